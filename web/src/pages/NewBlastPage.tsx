import { useMemo, useRef, useState, type FormEvent } from 'react';
import { api, errorText } from '../lib/api.ts';
import { type FieldKey, errorsFrom } from '../lib/newBlastErrors.ts';
import { formatDateTime, localInputToIso, timeZoneName, toLocalInputValue } from '../lib/format.ts';
import { looksLikePhone, splitPastedRecipients, toRecipientInput } from '@domain/pastedRecipients.ts';
import { templateProblem, templateVariables, variantCount } from '@domain/template.ts';
import { useCreateFlow } from '../lib/useCreateFlow.ts';
import { useFieldErrors } from '../lib/useFieldErrors.ts';
import { useMediaQuery } from '../lib/useMediaQuery.ts';
import type { CreateBlastRequest, CreateBlastResult, Meta, PacingPreset } from '../lib/types.ts';
import { CheckResult } from '../components/CheckResult.tsx';
import { CreatePanel } from '../components/CreatePanel.tsx';
import { ErrorText } from '../components/ErrorText.tsx';
import { Field, Optional } from '../components/Field.tsx';
import { MessageField } from '../components/MessageField.tsx';
import { MessagePreview, firstRecipientOf } from '../components/MessagePreview.tsx';
import { PacingPicker } from '../components/PacingPicker.tsx';
import { RecipientsField, type LoadedCsv, type RecipientsMode } from '../components/RecipientsField.tsx';
import { OTHER, StageField } from '../components/StageField.tsx';
import { VariationSummary } from '../components/VariationSummary.tsx';
import css from './NewBlastPage.module.css';

/** How far ahead a time must be to schedule for it rather than send now. */
const SCHEDULE_AHEAD_MS = 30_000;

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
  const { errors, setErrors, of, aria, change, edit, field } = useFieldErrors<FieldKey | 'check' | 'create'>();
  const [checking, setChecking] = useState(false);
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
    const fromCheck = checkIsCurrent ? firstRecipientOf(check.result) : null;
    if (fromCheck) return fromCheck;
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
  const unknownVariables =
    mode === 'csv' && csv
      ? templateVariables(message)
          .filter((v) => !v.hasFallback && v.name.toLowerCase() !== 'phone')
          .map((v) => v.name)
          .filter((v) => !csv.columns.some((c) => c.toLowerCase() === v.toLowerCase()))
      : [];

  const validateLocally = (): typeof errors => {
    const e: typeof errors = {};
    if (!message.trim()) e.message = ['Write the message to send.'];
    else if (messageProblem) e.message = [`Message: ${messageProblem.message}.`];
    if (recipients.length === 0)
      e.recipients = [mode === 'paste' ? 'Paste at least one phone number.' : 'Choose a CSV file with the recipients.'];
    if (stageChoice === OTHER && !stageOther.trim()) e.follow_up_stage = ['Type the name of the stage, or pick one from the list.'];
    return e;
  };

  const runCheck = async () => {
    const local = validateLocally();
    delete local.message; // numbers can be checked before the message is written
    if (Object.keys(local).length > 0) {
      setErrors(local);
      return;
    }
    setChecking(true);
    setErrors({});
    try {
      // The numbers can be checked before the message is written or while it does not parse yet.
      const counted = message.trim() && !messageProblem ? message : '(check)';
      const result = await api.createBlast({ ...baseRequest(), message: counted, dry_run: true });
      setCheck({ key: checkKey, message: counted, result });
    } catch (err) {
      setErrors(errorsFrom(err, 'check'));
    } finally {
      setChecking(false);
    }
  };

  // The schedule the review was opened for: the flow's dry run and create read it.
  const scheduleRef = useRef<string | null>(null);
  const scheduled = () => (scheduleRef.current ? { scheduled_at: scheduleRef.current } : {});
  const flow = useCreateFlow({
    key: JSON.stringify({ recipients, device: device.trim(), pacing, message, tag: tag.trim(), stage }),
    dryRun: () => api.createBlast({ ...baseRequest(), ...scheduled(), dry_run: true }),
    create: () => api.createBlast({ ...baseRequest(), ...scheduled() }),
    onError: (err, step, id) =>
      setErrors(
        step === 'send'
          ? { create: [`Blast #${id} was created but could not be ${scheduleRef.current ? 'scheduled' : 'started'}: ${errorText(err)}`] }
          : errorsFrom(err, 'create'),
      ),
  });

  /** "Create & send now" / "Create & schedule": checks what can be checked here, then opens the review. */
  const startReview = async (how: 'now' | 'schedule') => {
    const local = validateLocally();
    let scheduledAt: string | null = null;
    if (how === 'schedule') {
      const iso = localInputToIso(when);
      if (!iso) local.scheduled_at = ['Pick a valid date and time.'];
      else if (new Date(iso).getTime() < Date.now() + SCHEDULE_AHEAD_MS)
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
    if (check.result.total_recipients === 0) {
      setErrors({ recipients: ['None of these numbers is valid. Fix them and check again.'] });
      return;
    }
    setErrors({});
    scheduleRef.current = scheduledAt;
    await flow.openReview(how === 'schedule');
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void startReview('now');
  };

  const busy = checking || flow.busy !== null;
  const whenIso = localInputToIso(when);
  const scheduleAt = whenIso !== null && new Date(whenIso).getTime() > Date.now() + SCHEDULE_AHEAD_MS ? whenIso : null;
  const preparing = (schedule: boolean) => flow.busy === 'review' && Boolean(scheduleRef.current) === schedule;
  const preview = <MessagePreview message={message} recipient={previewRecipient} boxed={!wide} />;

  return (
    <section aria-labelledby="new-title">
      <div className="page-head">
        <h1 id="new-title">New blast</h1>
      </div>
      <form className={css.page} onSubmit={submit} noValidate>
        <div>
          <div className="card">
            <Field id="tag" label={<Optional>Tag</Optional>} {...field('blast_tag')}>
              <input
                id="tag"
                type="text"
                value={tag}
                maxLength={200}
                placeholder="e.g. June promo"
                onChange={edit('blast_tag', setTag)}
                {...aria('blast_tag')}
              />
            </Field>
            <MessageField
              message={message}
              onChange={change('message', setMessage)}
              variants={messageProblem ? 1 : variantCount(message)}
              variables={variables}
              unknownVariables={unknownVariables}
              problem={messageProblem}
              errors={of('message')}
              aria={aria('message', 'message-hint')}
            />
            {!wide && preview}

            <div className="field-row">
              <Field id="when" label="Date and time" hint={`Your time zone: ${timeZoneName()}.`} {...field('scheduled_at')}>
                <input
                  id="when"
                  type="datetime-local"
                  value={when}
                  onChange={edit('scheduled_at', setWhen)}
                  {...aria('scheduled_at', 'when-hint')}
                />
              </Field>
              <StageField
                choice={stageChoice}
                other={stageOther}
                onChoice={change('follow_up_stage', setStageChoice)}
                onOther={change('follow_up_stage', setStageOther)}
                errors={of('follow_up_stage')}
              />
              <PacingPicker
                device={device.trim() || meta.default_device}
                value={pacing}
                onChange={setPacing}
                plan={checkIsCurrent ? check.result.plan : undefined}
              />
            </div>

            <details className={css.advanced} open={of('device').length > 0}>
              <summary>Advanced</summary>
              <Field
                id="device"
                label="WSAPME device"
                hint={`Leave empty to use the default device${meta.default_device ? ` (${meta.default_device})` : ''}.`}
                {...field('device')}
              >
                <input
                  id="device"
                  type="text"
                  value={device}
                  placeholder={meta.default_device || 'default'}
                  onChange={edit('device', setDevice)}
                  {...aria('device', 'device-hint')}
                />
              </Field>
            </details>
          </div>

          <div className="card">
            <RecipientsField
              mode={mode}
              onMode={change('recipients', setMode)}
              pasted={pasted}
              onPasted={change('recipients', setPasted)}
              pastedCount={pastedNumbers.length}
              pastedNamed={pastedNumbers.filter((p) => p.vars.name).length}
              pastedIgnored={pastedList.ignoredCells}
              csv={csv}
              onCsv={change('recipients', setCsv)}
              errors={of('recipients')}
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

        <aside>
          <div className={`card ${css.sticky}`}>
            {wide && preview}
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
            <CreatePanel flow={flow} scheduledFor={scheduleRef.current} error={errors.create}>
              <button type="submit" className="btn btn-primary btn-block" disabled={busy || !checkIsCurrent}>
                {preparing(false) ? 'Preparing the review…' : 'Create & send now'}
              </button>
              <button
                type="button"
                className="btn btn-block"
                disabled={busy || !checkIsCurrent || !scheduleAt}
                onClick={() => void startReview('schedule')}
              >
                {preparing(true) ? 'Preparing the review…' : 'Create & schedule'}
              </button>
              <p className="hint" aria-live="polite">
                {!checkIsCurrent
                  ? 'Check the numbers first.'
                  : scheduleAt
                    ? `Scheduling sends it on ${formatDateTime(scheduleAt)}.`
                    : 'To schedule, pick a later date and time.'}
              </p>
            </CreatePanel>
          </div>
        </aside>
      </form>
    </section>
  );
}
