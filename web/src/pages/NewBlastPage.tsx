import { useMemo, useRef, useState, type FormEvent } from 'react';
import { api, errorText } from '../lib/api.ts';
import { type Errors, type FieldKey, errorsFrom } from '../lib/newBlastErrors.ts';
import { localInputToIso, timeZoneName, toLocalInputValue, formatDateTime } from '../lib/format.ts';
import { looksLikePhone, splitPastedRecipients, toRecipientInput } from '@domain/pastedRecipients.ts';
import { templateProblem, templateVariables, variantCount } from '@domain/template.ts';
import { href, navigate } from '../lib/router.ts';
import { useCreateFlow } from '../lib/useCreateFlow.ts';
import { useMediaQuery } from '../lib/useMediaQuery.ts';
import type { CreateBlastRequest, CreateBlastResult, Meta, PacingPreset } from '../lib/types.ts';
import { CheckResult } from '../components/CheckResult.tsx';
import { ErrorText } from '../components/ErrorText.tsx';
import { MessagePreview } from '../components/MessagePreview.tsx';
import { RecipientsField, type LoadedCsv, type RecipientsMode } from '../components/RecipientsField.tsx';
import { CreatePanel } from '../components/CreatePanel.tsx';
import { OTHER, StageField } from '../components/StageField.tsx';
import { VariationSummary } from '../components/VariationSummary.tsx';
import { PacingPicker } from '../components/PacingPicker.tsx';

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
  // `message` is the text the check counted distinct texts for (the numbers may be checked before it is written).
  const [check, setCheck] = useState<{ key: string; message: string; result: CreateBlastResult } | null>(null);
  const [errors, setErrors] = useState<Errors>({});
  const [checking, setChecking] = useState(false);
  const messageRef = useRef<HTMLTextAreaElement>(null);
  // On a wide screen the preview sits beside the form; on a phone, right under the message.
  const wide = useMediaQuery('(min-width: 960px)');

  const pastedList = useMemo(() => splitPastedRecipients(pasted), [pasted]);
  const pastedNumbers = pastedList.recipients;
  const recipients = useMemo(
    () => (mode === 'paste' ? pastedNumbers.map(toRecipientInput) : (csv?.recipients ?? [])),
    [mode, pastedNumbers, csv],
  );
  const sourceLine = (position: number) => (mode === 'paste' ? pastedNumbers[position - 1]?.sourceLine : csv?.sourceLines[position - 1]);
  const messageProblem = templateProblem(message);

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

  const variables = mode === 'csv' ? (csv?.columns ?? []) : pastedList.columns;
  const usedVariables = templateVariables(message);
  const unknownVariables =
    mode === 'csv' && csv
      ? usedVariables
          .filter((v) => !v.hasFallback && v.name.toLowerCase() !== 'phone')
          .map((v) => v.name)
          .filter((v) => !csv.columns.some((c) => c.toLowerCase() === v.toLowerCase()))
      : [];
  const variants = messageProblem ? 1 : variantCount(message);

  const clearError = (key: keyof Errors) => setErrors((e) => (e[key] ? { ...e, [key]: undefined } : e));

  const validateLocally = (): Errors => {
    const e: Errors = {};
    if (!message.trim()) e.message = ['Write the message to send.'];
    else if (messageProblem) e.message = [`Message: ${messageProblem.message}.`];
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
    setChecking(true);
    setErrors({});
    try {
      // The numbers can be checked before the message is written or while it does not parse yet.
      const counted = message.trim() && !messageProblem ? message : '(check)';
      const result = await api.createBlast({ ...baseRequest(), message: counted, dry_run: true });
      setCheck({ key: checkKey, message: counted, result });
      return result;
    } catch (err) {
      setErrors(errorsFrom(err, 'check'));
      return null;
    } finally {
      setChecking(false);
    }
  };

  // The schedule the review was opened for: the flow's dry run and create read it.
  const scheduleRef = useRef<string | null>(null);
  const flow = useCreateFlow({
    dryRun: () =>
      api.createBlast({ ...baseRequest(), ...(scheduleRef.current ? { scheduled_at: scheduleRef.current } : {}), dry_run: true }),
    create: () => api.createBlast({ ...baseRequest(), ...(scheduleRef.current ? { scheduled_at: scheduleRef.current } : {}) }),
    onError: (err, stage, id) =>
      setErrors(
        stage === 'send'
          ? { create: [`Blast #${id} was created but could not be ${scheduleRef.current ? 'scheduled' : 'started'}: ${errorText(err)}`] }
          : errorsFrom(err, 'create'),
      ),
  });
  const reviewKey = JSON.stringify({ recipients, device: device.trim(), message, tag: tag.trim(), stage, when: scheduleRef.current });
  const review = flow.review && flow.review.key === reviewKey ? flow.review : null;

  /** "Create & send now" / "Create & schedule": checks what can be checked here, then opens the review. */
  const startReview = async (how: 'now' | 'schedule') => {
    const local = validateLocally();
    let scheduledAt: string | null = null;
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
    setErrors({});
    scheduleRef.current = scheduledAt;
    await flow.openReview(
      JSON.stringify({ recipients, device: device.trim(), message, tag: tag.trim(), stage, when: scheduledAt }),
      how === 'schedule',
    );
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void startReview('now');
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

  const busy = checking || flow.busy !== null;
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
                  Personalise with <code>{'{{name}}'}</code>, a fallback <code>{'{{name|there}}'}</code>, or any CSV column. Vary the words
                  with spintax <code>{'{Hi|Hello}'}</code>: each number gets one option.
                </span>{' '}
                <span className="muted">
                  {message.length} characters
                  {variants > 1 && (
                    <>
                      , <span data-testid="variant-count">{variants.toLocaleString('en')}</span> variants
                    </>
                  )}
                </span>
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
              {messageProblem && !fe('message').length && (
                <p className="hint warn" role="note" data-testid="message-problem">
                  {messageProblem.message.charAt(0).toUpperCase() + messageProblem.message.slice(1)}.
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
              <PacingPicker
                device={device.trim() || meta.default_device}
                value={pacing}
                onChange={setPacing}
                plan={checkIsCurrent ? check.result.plan : undefined}
              />
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
              pastedNamed={pastedNumbers.filter((p) => p.vars.name).length}
              pastedIgnored={pastedList.ignoredCells}
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
                disabled={busy}
                aria-describedby={errors.check ? 'check-error' : undefined}
              >
                {checking ? 'Checking…' : checkIsCurrent ? 'Check again' : 'Check numbers'}
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
            {check?.result.variation && check.message !== '(check)' ? (
              <VariationSummary
                variation={check.result.variation}
                recipients={check.result.total_recipients}
                stale={!checkIsCurrent || check.message !== message}
              />
            ) : (
              checkIsCurrent &&
              message.trim() !== '' &&
              !messageProblem && (
                <p className="hint" data-testid="variation-pending">
                  Check again to count how many distinct texts this message makes.
                </p>
              )
            )}
            <CreatePanel
              flow={flow}
              review={review}
              scheduledFor={scheduleRef.current}
              checkIsCurrent={checkIsCurrent}
              whenIso={whenInFuture ? whenIso : null}
              disabled={busy}
              onSchedule={() => void startReview('schedule')}
              error={errors.create}
            />
          </div>
        </aside>
      </form>
    </section>
  );
}
