import { useMemo, useRef, useState, type FormEvent } from 'react';
import { templateProblem } from '@domain/template.ts';
import { firstRecipientOf } from '../components/MessagePreview.tsx';
import { OTHER } from '../components/StageField.tsx';
import { api } from './api.ts';
import { errorText } from './errorText.ts';
import { localInputToIso, toLocalInputValue } from './format.ts';
import { type FieldKey, errorsFrom } from './newBlastErrors.ts';
import type { CreateBlastRequest, CreateBlastResult, PacingPreset } from './types.ts';
import { useCreateFlow } from './useCreateFlow.ts';
import { useFieldErrors } from './useFieldErrors.ts';
import { useRecipientsInput } from './useRecipientsInput.ts';

/** How far ahead a time must be to schedule for it rather than send now. */
const SCHEDULE_AHEAD_MS = 30_000;

export type NewBlastForm = ReturnType<typeof useNewBlastForm>;

/**
 * The new-blast form: its fields and their errors, the recipients, "Check numbers" (a dry run of
 * the numbers, which may come before the message is written), and "Create & send now" / "Create &
 * schedule", which check what can be checked here and then open the review (useCreateFlow).
 */
export function useNewBlastForm() {
  const [tag, setTag] = useState('');
  const [message, setMessage] = useState('');
  const [when, setWhen] = useState(() => toLocalInputValue(new Date()));
  const [stageChoice, setStageChoice] = useState('Initial');
  const [stageOther, setStageOther] = useState('');
  const [device, setDevice] = useState('');
  const [pacing, setPacing] = useState<PacingPreset | ''>('');
  const input = useRecipientsInput();
  const { mode, recipients } = input;
  // `message` is the text the check counted distinct texts for (the numbers may be checked before it is written).
  const [check, setCheck] = useState<{ key: string; message: string; result: CreateBlastResult } | null>(null);
  const fieldErrors = useFieldErrors<FieldKey | 'check' | 'create'>();
  const { setErrors } = fieldErrors;
  const [checking, setChecking] = useState(false);
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
  const previewRecipient = useMemo(
    () => (checkIsCurrent ? firstRecipientOf(check.result) : null) ?? input.firstLikely,
    [checkIsCurrent, check, input.firstLikely],
  );

  const validateLocally = (): typeof fieldErrors.errors => {
    const e: typeof fieldErrors.errors = {};
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

  const whenIso = localInputToIso(when);
  return {
    tag,
    setTag,
    message,
    setMessage,
    messageProblem,
    when,
    setWhen,
    stageChoice,
    setStageChoice,
    stageOther,
    setStageOther,
    device,
    setDevice,
    pacing,
    setPacing,
    input,
    unknownVariables: input.unknownVariables(message),
    previewRecipient,
    fieldErrors,
    check,
    checkIsCurrent,
    checking,
    runCheck,
    flow,
    /** The time a scheduled blast's review was opened for. */
    scheduledFor: scheduleRef.current,
    /** The time "Create & schedule" would use, or null while it is not far enough ahead. */
    scheduleAt: whenIso !== null && new Date(whenIso).getTime() > Date.now() + SCHEDULE_AHEAD_MS ? whenIso : null,
    busy: checking || flow.busy !== null,
    /** The review is being made, for a schedule or for sending now. */
    preparing: (schedule: boolean) => flow.busy === 'review' && Boolean(scheduleRef.current) === schedule,
    startReview,
    submit,
  };
}
