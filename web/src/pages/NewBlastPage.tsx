import { useMemo, useRef, useState, type FormEvent } from 'react';
import { api, ApiError, errorText, fieldSentence } from '../lib/api.ts';
import { localInputToIso, timeZoneName, toLocalInputValue, formatDateTime } from '../lib/format.ts';
import { looksLikePhone, splitPastedNumbers } from '../lib/recipientsInput.ts';
import { href, navigate } from '../lib/router.ts';
import { templateVariables } from '../lib/template.ts';
import { useMediaQuery } from '../lib/useMediaQuery.ts';
import type { CreateBlastRequest, CreateBlastResult, Meta, PacingPreset } from '../lib/types.ts';
import { CheckResult } from '../components/CheckResult.tsx';
import { ErrorText } from '../components/ErrorText.tsx';
import { MessagePreview } from '../components/MessagePreview.tsx';
import { RecipientsField, type LoadedCsv, type RecipientsMode } from '../components/RecipientsField.tsx';
import { OTHER, StageField } from '../components/StageField.tsx';
import { PacingPicker } from '../components/PacingPicker.tsx';

type Busy = null | 'check' | 'now' | 'schedule';
type FieldKey = 'blast_tag' | 'message' | 'recipients' | 'follow_up_stage' | 'scheduled_at' | 'device';
const FIELDS: FieldKey[] = ['blast_tag', 'message', 'recipients', 'follow_up_stage', 'scheduled_at', 'device'];
type Errors = Partial<Record<FieldKey | 'check' | 'create', string[]>>;

/** Spreads an API error over the fields it names; what names no field goes to `fallback`. */
function errorsFrom(err: unknown, fallback: 'check' | 'create'): Errors {
  const out: Errors = {};
  if (err instanceof ApiError && err.fields.length > 0) {
    const unplaced: string[] = [];
    // A lone issue whose top-level message is its own sentence (not "field: issue") reads best as is.
    const only = err.fields.length === 1 ? err.fields[0] : undefined;
    const useTop = only !== undefined && !err.message.startsWith(`${only.field}:`) && /^[A-Z]/.test(err.message);
    const sentence = (f: { field: string; message: string }) => (useTop ? err.message : fieldSentence(f.field, f.message));
    for (const f of err.fields) {
      const key = FIELDS.find((k) => f.field === k || f.field.startsWith(`${k}.`) || f.field.startsWith(`${k}[`))
        ?? (f.field === 'file' || f.field === 'phone' ? 'recipients' : f.field === 'tag' ? 'blast_tag' : undefined);
      if (key) (out[key] ??= []).push(sentence(f));
      else unplaced.push(sentence(f));
    }
    if (unplaced.length > 0 || Object.keys(out).length === 0) out[fallback] = unplaced.length ? unplaced : [err.message];
    else out[fallback] = ['Please fix the highlighted fields.'];
    return out;
  }
  out[fallback] = [errorText(err)];
  return out;
}

export function NewBlastPage({ meta }: { meta: Meta }) {
  const [tag, setTag] = useState('');
  const [message, setMessage] = useState('');
  const [when, setWhen] = useState(() => toLocalInputValue(new Date()));
  const [stageChoice, setStageChoice] = useState('Initial');
  const [stageOther, setStageOther] = useState('');
  const [device, setDevice] = useState('');
  const [pacing, setPacing] = useState<PacingPreset | ''>('');
  const [mode, setMode] = useState<RecipientsMode>('paste');
  const [pasted, setPasted] = useState('');
  const [csv, setCsv] = useState<LoadedCsv | null>(null);
  const [check, setCheck] = useState<{ key: string; result: CreateBlastResult } | null>(null);
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState<Busy>(null);
  const [created, setCreated] = useState<number | null>(null);
  const messageRef = useRef<HTMLTextAreaElement>(null);
  // On a wide screen the preview sits beside the form; on a phone, right under the message.
  const wide = useMediaQuery('(min-width: 960px)');

  const pastedNumbers = useMemo(() => splitPastedNumbers(pasted), [pasted]);
  const recipients = useMemo(
    () => (mode === 'paste' ? pastedNumbers.map((p) => p.input) : (csv?.recipients ?? [])),
    [mode, pastedNumbers, csv],
  );
  const sourceLine = (position: number) =>
    mode === 'paste' ? pastedNumbers[position - 1]?.sourceLine : csv?.sourceLines[position - 1];

  const stage = stageChoice === OTHER ? stageOther.trim() : stageChoice;
  const baseRequest = (): CreateBlastRequest => ({
    ...(tag.trim() ? { blast_tag: tag.trim() } : {}),
    message,
    recipients,
    ...(stage ? { follow_up_stage: stage } : {}),
    ...(device.trim() ? { device: device.trim() } : {}),
    ...(pacing ? { pacing_preset: pacing } : {}),
  });
  const checkKey = JSON.stringify({ recipients, device: device.trim(), pacing });
  const checkIsCurrent = check !== null && check.key === checkKey;

  // The preview goes to the first recipient the server accepted, or else the first that looks valid.
  const previewRecipient = useMemo(() => {
    const fromCheck = checkIsCurrent ? check?.result.preview?.[0] : undefined;
    if (fromCheck) return { phone: fromCheck.phone, variables: { phone: fromCheck.phone, ...(fromCheck.variables ?? {}) } };
    for (const r of recipients) {
      if (typeof r === 'string') {
        if (looksLikePhone(r)) return { phone: r, variables: { phone: r } };
      } else if (looksLikePhone(r.phone)) {
        return { phone: r.phone, variables: { ...r } };
      }
    }
    return null;
  }, [checkIsCurrent, check, recipients]);

  const variables = mode === 'csv' && csv ? csv.columns : [];
  const usedVariables = templateVariables(message);
  const unknownVariables =
    mode === 'csv' && csv
      ? usedVariables
          .filter((v) => !v.hasFallback && v.name.toLowerCase() !== 'phone')
          .map((v) => v.name)
          .filter((v) => !csv.columns.some((c) => c.toLowerCase() === v.toLowerCase()))
      : [];

  const clearError = (key: keyof Errors) => setErrors((e) => (e[key] ? { ...e, [key]: undefined } : e));

  const validateLocally = (): Errors => {
    const e: Errors = {};
    if (!message.trim()) e.message = ['Write the message to send.'];
    if (recipients.length === 0)
      e.recipients = [mode === 'paste' ? 'Paste at least one phone number.' : 'Choose a CSV file with the recipients.'];
    if (stageChoice === OTHER && !stageOther.trim()) e.follow_up_stage = ['Type the name of the stage, or pick one from the list.'];
    return e;
  };

  const runCheck = async (): Promise<CreateBlastResult | null> => {
    const local = validateLocally();
    delete local.message; // numbers can be checked before the message is written
    if (Object.keys(local).length > 0) {
      setErrors(local);
      return null;
    }
    setBusy('check');
    setErrors({});
    try {
      const result = await api.createBlast({ ...baseRequest(), message: message.trim() ? message : '(check)', dry_run: true });
      setCheck({ key: checkKey, result });
      return result;
    } catch (err) {
      setErrors(errorsFrom(err, 'check'));
      return null;
    } finally {
      setBusy(null);
    }
  };

  const create = async (how: 'now' | 'schedule') => {
    const local = validateLocally();
    let scheduledAt: string | undefined;
    if (how === 'schedule') {
      const iso = localInputToIso(when);
      if (!iso) local.scheduled_at = ['Pick a valid date and time.'];
      else if (new Date(iso).getTime() < Date.now() + 30_000)
        local.scheduled_at = ['Pick a time in the future to schedule, or use “Create & send now”.'];
      else scheduledAt = iso;
    }
    if (Object.keys(local).length > 0) {
      setErrors(local);
      return;
    }
    if (!checkIsCurrent) {
      setErrors({ check: ['Check the numbers first, so you know who will get the message.'] });
      return;
    }
    if (check && check.result.total_recipients === 0) {
      setErrors({ recipients: ['None of these numbers is valid. Fix them and check again.'] });
      return;
    }
    setBusy(how);
    setErrors({});
    let blastId: number | null = created;
    try {
      if (blastId === null) {
        const res = await api.createBlast({
          ...baseRequest(),
          ...(scheduledAt ? { scheduled_at: scheduledAt } : {}),
        });
        blastId = res.blast_id;
        if (blastId === null) throw new ApiError(500, 'internal', 'The server did not return the new blast.');
        setCreated(blastId);
      }
    } catch (err) {
      setErrors(errorsFrom(err, 'create'));
      setBusy(null);
      return;
    }
    try {
      await api.send(blastId);
      navigate(href.blast(blastId));
    } catch (err) {
      setErrors({
        create: [`Blast #${blastId} was created but could not be ${how === 'now' ? 'started' : 'scheduled'}: ${errorText(err)}`],
      });
      setBusy(null);
    }
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void create('now');
  };

  const insertVariable = (name: string) => {
    const el = messageRef.current;
    const token = `{{${name}}}`;
    if (!el) {
      setMessage((m) => m + token);
      return;
    }
    const start = el.selectionStart ?? message.length;
    const end = el.selectionEnd ?? message.length;
    const next = message.slice(0, start) + token + message.slice(end);
    setMessage(next);
    requestAnimationFrame(() => {
      el.focus();
      el.setSelectionRange(start + token.length, start + token.length);
    });
  };

  const whenIso = localInputToIso(when);
  const whenInFuture = whenIso !== null && new Date(whenIso).getTime() > Date.now() + 30_000;
  const fe = (k: FieldKey) => errors[k] ?? [];
  const described = (k: FieldKey, extra?: string) =>
    [extra, fe(k).length ? `${k}-error` : undefined].filter(Boolean).join(' ') || undefined;

  return (
    <section aria-labelledby="new-title">
      <div className="page-head">
        <h1 id="new-title">New blast</h1>
      </div>
      <form className="new-blast" onSubmit={submit} noValidate>
        <div className="new-blast-main">
          <div className="card">
            <div className="field">
              <label htmlFor="tag">
                Tag <span className="optional">optional</span>
              </label>
              <input
                id="tag"
                type="text"
                value={tag}
                maxLength={200}
                placeholder="e.g. June promo"
                onChange={(e) => {
                  setTag(e.target.value);
                  clearError('blast_tag');
                }}
                aria-invalid={fe('blast_tag').length ? true : undefined}
                aria-describedby={described('blast_tag')}
              />
              <ErrorText id="blast_tag-error" messages={fe('blast_tag')} />
            </div>

            <div className="field">
              <label htmlFor="message">Message</label>
              <textarea
                ref={messageRef}
                id="message"
                rows={6}
                value={message}
                onChange={(e) => {
                  setMessage(e.target.value);
                  clearError('message');
                }}
                placeholder={'Hi {{name|there}}, our June promo starts today…'}
                aria-invalid={fe('message').length ? true : undefined}
                aria-describedby={described('message', 'message-hint')}
              />
              <div id="message-hint" className="hint">
                <span>
                  Personalise with <code>{'{{name}}'}</code>, a fallback <code>{'{{name|there}}'}</code>, or any CSV column.
                </span>{' '}
                <span className="muted">{message.length} characters</span>
              </div>
              {variables.length > 0 && (
                <div className="chips" aria-label="Insert a variable">
                  {variables.map((v) => (
                    <button type="button" key={v} className="chip" onClick={() => insertVariable(v)}>
                      + {`{{${v}}}`}
                    </button>
                  ))}
                </div>
              )}
              {unknownVariables.length > 0 && (
                <p className="hint warn">
                  The file has no column {unknownVariables.map((v) => `“${v}”`).join(', ')}: add a fallback or a column.
                </p>
              )}
              <ErrorText id="message-error" messages={fe('message')} />
            </div>
            {!wide && <MessagePreview message={message} recipient={previewRecipient} />}

            <div className="field-row">
              <div className="field">
                <label htmlFor="when">Date and time</label>
                <input
                  id="when"
                  type="datetime-local"
                  value={when}
                  onChange={(e) => {
                    setWhen(e.target.value);
                    clearError('scheduled_at');
                  }}
                  aria-invalid={fe('scheduled_at').length ? true : undefined}
                  aria-describedby={described('scheduled_at', 'when-hint')}
                />
                <p id="when-hint" className="hint">
                  Your time zone: {timeZoneName()}.
                </p>
                <ErrorText id="scheduled_at-error" messages={fe('scheduled_at')} />
              </div>
              <StageField
                choice={stageChoice}
                other={stageOther}
                onChoice={(v) => {
                  setStageChoice(v);
                  clearError('follow_up_stage');
                }}
                onOther={(v) => {
                  setStageOther(v);
                  clearError('follow_up_stage');
                }}
                errors={fe('follow_up_stage')}
              />
              <PacingPicker device={device.trim() || meta.default_device} value={pacing} onChange={setPacing} plan={checkIsCurrent ? check.result.plan : undefined} />
            </div>

            <details className="advanced" open={fe('device').length > 0}>
              <summary>Advanced</summary>
              <div className="field">
                <label htmlFor="device">WSAPME device</label>
                <input
                  id="device"
                  type="text"
                  value={device}
                  placeholder={meta.default_device || 'default'}
                  onChange={(e) => {
                    setDevice(e.target.value);
                    clearError('device');
                  }}
                  aria-invalid={fe('device').length ? true : undefined}
                  aria-describedby={described('device', 'device-hint')}
                />
                <p id="device-hint" className="hint">
                  Leave empty to use the default device{meta.default_device ? ` (${meta.default_device})` : ''}.
                </p>
                <ErrorText id="device-error" messages={fe('device')} />
              </div>
            </details>
          </div>

          <div className="card">
            <RecipientsField
              mode={mode}
              onMode={(m) => {
                setMode(m);
                clearError('recipients');
              }}
              pasted={pasted}
              onPasted={(v) => {
                setPasted(v);
                clearError('recipients');
              }}
              pastedCount={pastedNumbers.length}
              csv={csv}
              onCsv={(c) => {
                setCsv(c);
                clearError('recipients');
              }}
              errors={fe('recipients')}
            />
            <div className="actions-row">
              <button
                type="button"
                className="btn"
                onClick={() => void runCheck()}
                disabled={busy !== null}
                aria-describedby={errors.check ? 'check-error' : undefined}
              >
                {busy === 'check' ? 'Checking…' : checkIsCurrent ? 'Check again' : 'Check numbers'}
              </button>
            </div>
            <ErrorText id="check-error" messages={errors.check} />
            {check && (
              <CheckResult
                result={check.result}
                sourceLine={sourceLine}
                sourceName={mode === 'paste' ? 'Line' : 'CSV line'}
                stale={!checkIsCurrent}
              />
            )}
          </div>
        </div>

        <aside className="new-blast-side">
          <div className="card sticky">
            {wide && <MessagePreview message={message} recipient={previewRecipient} />}
            <div className="create-actions">
              <button type="submit" className="btn btn-primary btn-block" disabled={busy !== null || !checkIsCurrent}>
                {busy === 'now' ? 'Creating…' : 'Create & send now'}
              </button>
              <button
                type="button"
                className="btn btn-block"
                disabled={busy !== null || !checkIsCurrent || !whenInFuture}
                onClick={() => void create('schedule')}
              >
                {busy === 'schedule' ? 'Scheduling…' : 'Create & schedule'}
              </button>
              <p className="hint" aria-live="polite">
                {!checkIsCurrent
                  ? 'Check the numbers first.'
                  : whenInFuture && whenIso
                    ? `Scheduling sends it on ${formatDateTime(whenIso)}.`
                    : 'To schedule, pick a later date and time.'}
              </p>
              <ErrorText id="create-error" messages={errors.create} />
              {created !== null && errors.create && (
                <p>
                  <a href={href.blast(created)}>Open blast #{created}</a>
                </p>
              )}
            </div>
          </div>
        </aside>
      </form>
    </section>
  );
}
