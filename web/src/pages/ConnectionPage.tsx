import { useCallback, useEffect, useState } from 'react';
import { api } from '../lib/api.ts';
import { errorText } from '../lib/errorText.ts';
import type { Connection, ConnectionCheck, WebhookUrl } from '../lib/types.ts';
import { ErrorText } from '../components/ErrorText.tsx';
import { DeviceHealthCards } from '../components/DeviceHealthCards.tsx';
import { TestMessageForm } from '../components/TestMessageForm.tsx';
import { cx } from '../lib/cx.ts';
import css from './ConnectionPage.module.css';

const MARKS = { ok: '✓ ok', problem: '✗ problem', unknown: '? unknown' } as const;
const markOf = (ok: boolean | null): keyof typeof MARKS => (ok === true ? 'ok' : ok === false ? 'problem' : 'unknown');
const MARK_CLASS = { ok: css.ok, problem: css.problem, unknown: css.unknown };

function CheckRow({ check }: { check: ConnectionCheck }) {
  const mark = markOf(check.ok);
  return (
    <li className={cx(css.check, MARK_CLASS[mark])} data-check={check.id}>
      <span className={css.mark} data-testid="check-mark">
        {MARKS[mark]}
      </span>
      <span className={css.label}>{check.label}</span>
      <span className={css.detail} data-testid="check-detail">
        {check.detail}
      </span>
    </li>
  );
}

/** Does it work: every connection check, the webhook URL to paste into WSAPME, the last webhook raw, devices, a test message. */
export function ConnectionPage() {
  const [conn, setConn] = useState<Connection | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [url, setUrl] = useState<WebhookUrl | null>(null);
  const [copied, setCopied] = useState(false);

  const load = useCallback(async () => {
    setLoading(true);
    setError(null);
    try {
      const [c, u] = await Promise.all([api.connection(), api.webhookUrl(false)]);
      setConn(c);
      setUrl(u);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const reveal = async (show: boolean) => {
    try {
      setUrl(await api.webhookUrl(show));
      setCopied(false);
    } catch (err) {
      setError(errorText(err));
    }
  };

  const copy = async () => {
    try {
      // Copy the real URL even while the page shows it masked.
      const full = url?.masked === false ? url : await api.webhookUrl(true);
      if (full.url) await navigator.clipboard.writeText(full.url);
      setCopied(true);
    } catch (err) {
      setError(`Could not copy: ${errorText(err)}`);
    }
  };

  const resume = async (id: string) => {
    try {
      await api.resumeDevice(id);
      await load();
    } catch (err) {
      setError(errorText(err));
    }
  };

  return (
    <div>
      <div className={css.head}>
        <h1>Connection</h1>
        <button type="button" className="btn btn-small" onClick={() => void load()} disabled={loading}>
          {loading ? 'Checking…' : 'Check again'}
        </button>
      </div>
      <ErrorText messages={error} />
      {!conn && !error && <p className="muted">Checking the gateway…</p>}
      {conn && (
        <>
          <p className={cx(css.summary, conn.ok ? css.okText : css.problemText)} role="status">
            {conn.ok ? 'No problem found.' : `${conn.problems} problem${conn.problems === 1 ? '' : 's'} found.`}
          </p>
          <ul className={`card ${css.checks}`}>
            {conn.checks.map((c) => (
              <CheckRow key={c.id} check={c} />
            ))}
          </ul>
        </>
      )}

      <section className={`card ${css.section}`} aria-labelledby="conn-webhook">
        <h2 id="conn-webhook">Webhook URL</h2>
        {url && !url.configured && <p className={css.problemText}>{url.reason}</p>}
        {url?.configured && (
          <>
            <p className="muted">Paste this into the WSAPME dashboard as the device's webhook URL.</p>
            <div className={css.url}>
              <code data-testid="webhook-url">{url.url}</code>
              <button type="button" className="btn btn-small" onClick={() => void reveal(url.masked !== false)}>
                {url.masked === false ? 'Hide' : 'Reveal'}
              </button>
              <button type="button" className="btn btn-small" onClick={() => void copy()}>
                {copied ? 'Copied' : 'Copy'}
              </button>
            </div>
          </>
        )}
        {url && (
          <p className={css.reminder} data-testid="webhook-reminder">
            {url.reminder}
          </p>
        )}
      </section>

      {conn && (
        <section className={`card ${css.section}`} aria-labelledby="conn-devices">
          <h2 id="conn-devices">Devices</h2>
          {conn.devices.length === 0 && <p className="muted">No device has sent yet.</p>}
          <ul className={css.devices}>
            {conn.devices.map((d) => (
              <li key={d.id}>
                <strong>{d.id}</strong>{' '}
                {d.sending.state === 'running' ? (
                  <span className={css.okText}>sending: running</span>
                ) : (
                  <>
                    <span className={css.problemText}>
                      held ({d.sending.kind}): {d.sending.reason ?? 'no reason given'}
                      {d.sending.retry_at && ` — next try at ${new Date(d.sending.retry_at).toLocaleString()}`}
                    </span>{' '}
                    <button type="button" className="btn btn-small" onClick={() => void resume(d.id)}>
                      Resume
                    </button>
                  </>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}

      {conn && <DeviceHealthCards refresh={conn} />}

      {conn && (
        <section className={`card ${css.section}`} aria-labelledby="conn-last">
          <h2 id="conn-last">Last webhook</h2>
          {conn.last_webhook ? (
            <>
              <p className="muted">
                Received {conn.last_webhook.received_at ? new Date(conn.last_webhook.received_at).toLocaleString() : ''} ·{' '}
                {conn.last_webhook.results ?? 'no events'} · {conn.last_webhook.content_type ?? 'no content type'}
                {conn.last_webhook.decoded === 'form' && ' (form fields shown as JSON)'}
              </p>
              <pre className={css.raw} data-testid="last-webhook">
                {conn.last_webhook.body}
              </pre>
            </>
          ) : (
            <p className="muted">None received yet.</p>
          )}
        </section>
      )}

      <TestMessageForm onSent={() => void load()} />
    </div>
  );
}
