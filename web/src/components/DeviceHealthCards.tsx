import { useCallback, useEffect, useState } from 'react';
import { api } from '../lib/api.ts';
import { errorText } from '../lib/errorText.ts';
import { cx } from '../lib/cx.ts';
import { useAction } from '../lib/useAction.ts';
import type { DeviceWithHealth, ProbablyBlockedList } from '../lib/deviceHealthTypes.ts';
import { ErrorText } from './ErrorText.tsx';
import page from '../pages/ConnectionPage.module.css';
import css from './DeviceHealthCards.module.css';

const STATUS_WORDS = { ok: 'healthy', warning: 'needs a look', paused: 'paused', held: 'held', disabled: 'disabled' } as const;
const STATUS_CLASS = { ok: undefined, warning: css.warning, paused: css.paused, held: css.held, disabled: css.disabled } as const;
const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;

/** One device's health: today's sends against its cap, the error rate that pauses it, its last refusal, numbers that probably blocked it. */
function DeviceHealthCard({ device, onChanged }: { device: DeviceWithHealth; onChanged: () => void }) {
  const h = device.health;
  const [blocked, setBlocked] = useState<ProbablyBlockedList | null>(null);
  const { busy, error, run } = useAction();
  const act = async (fn: () => Promise<unknown>) => {
    if (await run(fn)) onChanged();
  };
  const showBlocked = () => act(async () => setBlocked(await api.probablyBlocked(device.id)));
  const optOut = (phone: string) =>
    act(async () => {
      await api.optOutBlocked(phone, `probably blocked ${device.id} (undelivered ${h.probably_blocked_days} days)`);
      setBlocked(await api.probablyBlocked(device.id));
    });

  const capShare = h.daily_cap ? Math.min(1, h.sent_today / h.daily_cap) : null;
  return (
    <li className={cx('card', STATUS_CLASS[h.status])} data-device={device.id}>
      <header className={css.head}>
        <h3>{device.label ? `${device.label} (${device.id})` : device.id}</h3>
        <span className={css.status} data-testid="health-status">
          {STATUS_WORDS[h.status]}
        </span>
      </header>
      <dl className={css.facts} data-testid="health-facts">
        <dt>Sent today</dt>
        <dd>
          {h.sent_today.toLocaleString()} {h.daily_cap !== null ? `of ${h.daily_cap.toLocaleString()} (daily cap)` : '(no daily cap)'}
          {capShare !== null && <progress max={1} value={capShare} aria-label="share of the daily cap used" />}
        </dd>
        <dt>Error rate</dt>
        <dd>
          {h.error_rate.rate === null
            ? `not judged yet (${h.error_rate.sends} sends)`
            : `${pct(h.error_rate.rate)} of the last ${h.error_rate.sends} sends`}{' '}
          <span className="muted">— pauses above {pct(h.error_rate.pause_above)}</span>
        </dd>
        <dt>Last refusal</dt>
        <dd>
          {h.last_refusal ? `${new Date(h.last_refusal.at).toLocaleString()}: ${h.last_refusal.reason ?? 'no reason given'}` : 'none'}
        </dd>
        {h.paused && (
          <>
            <dt>Paused</dt>
            <dd>
              {new Date(h.paused.at).toLocaleString()}: {h.paused.reason}
            </dd>
          </>
        )}
        <dt>Probably blocked you</dt>
        <dd>
          {h.probably_blocked === 0
            ? 'no number'
            : `${h.probably_blocked.toLocaleString()} number${h.probably_blocked === 1 ? '' : 's'} undelivered for ${h.probably_blocked_days} days`}
        </dd>
      </dl>
      <div className={css.actions}>
        {/* A held device's Resume is in the Devices list above (it ends the hold). */}
        {h.status === 'paused' ? (
          <button type="button" className="btn btn-small" disabled={busy} onClick={() => void act(() => api.resumeDevice(device.id))}>
            Resume
          </button>
        ) : (
          <button
            type="button"
            className="btn btn-small"
            disabled={busy || !device.enabled}
            onClick={() => void act(() => api.pauseDevice(device.id))}
          >
            Pause
          </button>
        )}
        {h.probably_blocked > 0 && !blocked && (
          <button type="button" className="btn btn-small" disabled={busy} onClick={() => void showBlocked()}>
            Show numbers
          </button>
        )}
      </div>
      {blocked && (
        <ul className={css.blocked} aria-label={`numbers that probably blocked ${device.id}`}>
          {blocked.numbers.length === 0 && <li className="muted">None left.</li>}
          {blocked.numbers.map((n) => (
            <li key={n.phone_number}>
              <span className={css.phone}>{n.phone_number}</span>{' '}
              <span className="muted">
                sent {new Date(n.sent_at).toLocaleDateString()}, blast #{n.blast_id}
              </span>{' '}
              <button type="button" className="btn btn-small" disabled={busy} onClick={() => void optOut(n.phone_number)}>
                Opt out
              </button>
            </li>
          ))}
        </ul>
      )}
      <ErrorText messages={error} />
    </li>
  );
}

/** A health card per device (GET /api/devices), refreshed after every action. */
export function DeviceHealthCards({ refresh }: { refresh?: unknown }) {
  const [devices, setDevices] = useState<DeviceWithHealth[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    try {
      setDevices((await api.devices()).devices);
      setError(null);
    } catch (err) {
      setError(errorText(err));
    }
  }, []);
  // biome-ignore lint/correctness/useExhaustiveDependencies(refresh): it changes when the page reloads its own data ("Check again"), and the cards follow
  useEffect(() => {
    void load();
  }, [load, refresh]);

  return (
    <section className={`card ${page.section}`} aria-labelledby="device-health">
      <h2 id="device-health">Device health</h2>
      <ErrorText messages={error} />
      {devices && devices.length === 0 && <p className="muted">No device has sent yet.</p>}
      {devices && (
        <ul className={css.cards}>
          {devices.map((d) => (
            <DeviceHealthCard key={d.id} device={d} onChanged={() => void load()} />
          ))}
        </ul>
      )}
    </section>
  );
}
