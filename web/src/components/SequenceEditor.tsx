import { useState, type FormEvent } from 'react';
import { ApiError } from '../lib/apiError.ts';
import { fieldSentence } from '../lib/fieldSentence.ts';
import { errorText } from '../lib/errorText.ts';
import { SEGMENT_LABELS } from '../lib/segments.ts';
import { type Sequence, type SequenceStepInput, delayText, sequenceApi } from '../lib/sequenceApi.ts';
import { type SequenceDraft, blankDraft, fromDraft, toDraft } from '../lib/sequenceDraft.ts';
import { cx } from '../lib/cx.ts';
import { ErrorText } from './ErrorText.tsx';
import { SequenceStepEditor } from './SequenceStepEditor.tsx';
import panel from './SequencePanel.module.css';
import css from './SequenceEditor.module.css';

/**
 * Edits a sequence's steps. Steps already created are history and shown as they were; the ones
 * after them can be changed, removed and added to. Saving sends the whole list (the created steps
 * unchanged), as PUT /api/blasts/:id/sequence wants it.
 */
export function SequenceEditor({
  blastId,
  sequence,
  onSaved,
  onClose,
}: {
  blastId: number;
  sequence: Sequence | null;
  onSaved: (s: Sequence) => void;
  onClose: () => void;
}) {
  const created = (sequence?.steps ?? []).filter((s) => s.state === 'created');
  const [drafts, setDrafts] = useState<SequenceDraft[]>(() => {
    const waiting = (sequence?.steps ?? []).filter((s) => s.state === 'waiting').map(toDraft);
    return waiting.length || created.length ? waiting : [blankDraft(1)];
  });
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [saving, setSaving] = useState(false);

  const set = (i: number, patch: Partial<SequenceDraft>) => setDrafts((ds) => ds.map((d, j) => (j === i ? { ...d, ...patch } : d)));

  const save = async (e: FormEvent) => {
    e.preventDefault();
    const local: Record<string, string[]> = {};
    drafts.forEach((d, i) => {
      const at = created.length + i;
      if (!d.message.trim()) local[`${at}.message`] = ['Write the message of this step.'];
      const n = Number(d.amount);
      if (d.amount.trim() === '' || !Number.isInteger(n) || n < 0) local[`${at}.delay`] = ['The delay is a whole number, 0 or more.'];
    });
    if (created.length + drafts.length === 0) local.form = ['A sequence needs at least one step. To stop it, cancel it.'];
    if (Object.keys(local).length) return setErrors(local);
    setSaving(true);
    setErrors({});
    try {
      const steps: SequenceStepInput[] = [
        ...created.map((s) => ({
          segment: s.segment,
          delay_seconds: s.delay_seconds,
          message: s.message,
          follow_up_stage: s.follow_up_stage,
        })),
        ...drafts.map(fromDraft),
      ];
      onSaved(await sequenceApi.put(blastId, steps));
    } catch (err) {
      setErrors(errorsFrom(err));
    } finally {
      setSaving(false);
    }
  };

  const fe = (key: string) => errors[key] ?? [];
  return (
    <form className={css.editor} onSubmit={(e) => void save(e)} noValidate data-testid="sequence-editor">
      {created.map((s) => (
        <fieldset key={s.position} className={cx(panel.step, css.done)} disabled>
          <legend>Step {s.position} · sent</legend>
          <p className="hint">
            {SEGMENT_LABELS[s.segment]}, {delayText(s.delay_seconds)} after the previous step · {s.follow_up_stage ?? 'no stage'}
          </p>
          <p className="message-text">{s.message}</p>
        </fieldset>
      ))}
      {drafts.map((d, i) => {
        const at = created.length + i;
        return (
          <SequenceStepEditor
            key={d.id}
            draft={d}
            at={at}
            errors={(field) => fe(`${at}.${field}`)}
            onChange={(patch) => set(i, patch)}
            onRemove={() => setDrafts((ds) => ds.filter((_, j) => j !== i))}
          />
        );
      })}
      <div className="actions-row">
        <button type="button" className="btn" onClick={() => setDrafts((ds) => [...ds, blankDraft(created.length + ds.length + 1)])}>
          Add a step
        </button>
        <button type="submit" className="btn btn-primary" disabled={saving}>
          {saving ? 'Saving…' : sequence ? 'Save steps' : 'Start the sequence'}
        </button>
        <button type="button" className="btn" disabled={saving} onClick={onClose}>
          Close
        </button>
      </div>
      <p className="hint">Everyone who replies, is closed, sends STOP, or whose message failed leaves the sequence.</p>
      <ErrorText messages={fe('form')} />
    </form>
  );
}

/** The API's field errors (steps.2.message) on their step; anything else under the form. */
function errorsFrom(err: unknown): Record<string, string[]> {
  if (!(err instanceof ApiError) || err.fields.length === 0) return { form: [errorText(err)] };
  const out: Record<string, string[]> = {};
  for (const f of err.fields) {
    const m = /^steps\.(\d+)\.(\w+)$/.exec(f.field);
    const key = m ? `${m[1]}.${m[2] === 'delay_seconds' ? 'delay' : m[2]}` : 'form';
    const sentence = err.code === 'invalid_state' ? err.message : fieldSentence(m ? m[2]! : f.field, f.message);
    out[key] = [...(out[key] ?? []), sentence];
  }
  return out;
}
