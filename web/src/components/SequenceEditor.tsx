import { useState, type FormEvent } from 'react';
import { ApiError, errorText, fieldSentence } from '../lib/api.ts';
import { SEGMENT_LABELS } from '../lib/segments.ts';
import {
  DELAY_UNITS,
  type DelayUnit,
  SEQUENCE_SEGMENTS,
  type Sequence,
  type SequenceSegment,
  type SequenceStepInput,
  delayText,
  sequenceApi,
  splitDelay,
} from '../lib/sequenceApi.ts';
import { cx } from '../lib/cx.ts';
import { ErrorText } from './ErrorText.tsx';
import { Optional } from './Field.tsx';
import panel from './SequencePanel.module.css';
import css from './SequenceEditor.module.css';

interface Draft {
  /** Stable while the steps around it are added and removed. */
  id: number;
  segment: SequenceSegment;
  amount: string;
  unit: DelayUnit;
  message: string;
  stage: string;
}

const UNIT_SECONDS = Object.fromEntries(DELAY_UNITS) as Record<DelayUnit, number>;

let lastDraftId = 0;

function toDraft(s: SequenceStepInput): Draft {
  const d = splitDelay(s.delay_seconds);
  return {
    id: ++lastDraftId,
    segment: s.segment,
    amount: String(d.amount),
    unit: d.unit,
    message: s.message,
    stage: s.follow_up_stage ?? '',
  };
}

const blank = (n: number): Draft => ({
  id: ++lastDraftId,
  segment: 'not_replied',
  amount: '1',
  unit: 'days',
  message: '',
  stage: `Follow-up ${n}`,
});

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
  const [drafts, setDrafts] = useState<Draft[]>(() => {
    const waiting = (sequence?.steps ?? []).filter((s) => s.state === 'waiting').map(toDraft);
    return waiting.length || created.length ? waiting : [blank(1)];
  });
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  const [saving, setSaving] = useState(false);

  const set = (i: number, patch: Partial<Draft>) => setDrafts((ds) => ds.map((d, j) => (j === i ? { ...d, ...patch } : d)));

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
        ...drafts.map((d) => ({
          segment: d.segment,
          delay_seconds: Number(d.amount) * UNIT_SECONDS[d.unit],
          message: d.message,
          follow_up_stage: d.stage.trim() || null,
        })),
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
        const id = (f: string) => `seq-${at}-${f}`;
        return (
          <fieldset key={d.id} className={panel.step} data-testid="sequence-step-editor">
            <legend>Step {at + 1}</legend>
            <div className="field-row">
              <div className="field">
                <label htmlFor={id('segment')}>Who gets it</label>
                <select id={id('segment')} value={d.segment} onChange={(e) => set(i, { segment: e.target.value as SequenceSegment })}>
                  {SEQUENCE_SEGMENTS.map((s) => (
                    <option key={s} value={s}>
                      {SEGMENT_LABELS[s]}
                    </option>
                  ))}
                </select>
                <ErrorText messages={fe(`${at}.segment`)} />
              </div>
              <div className="field">
                <label htmlFor={id('delay')}>After</label>
                <div className={css.delay}>
                  <input
                    id={id('delay')}
                    type="number"
                    min={0}
                    step={1}
                    inputMode="numeric"
                    value={d.amount}
                    onChange={(e) => set(i, { amount: e.target.value })}
                    aria-invalid={fe(`${at}.delay`).length ? true : undefined}
                  />
                  <select
                    aria-label={`Step ${at + 1} delay unit`}
                    value={d.unit}
                    onChange={(e) => set(i, { unit: e.target.value as DelayUnit })}
                  >
                    {DELAY_UNITS.map(([u]) => (
                      <option key={u} value={u}>
                        {u}
                      </option>
                    ))}
                  </select>
                </div>
                <p className="hint">{at === 0 ? 'after the blast finished sending' : 'after the previous step finished sending'}</p>
                <ErrorText messages={fe(`${at}.delay`)} />
              </div>
              <div className="field">
                <label htmlFor={id('stage')}>
                  <Optional>Stage</Optional>
                </label>
                <input id={id('stage')} type="text" maxLength={100} value={d.stage} onChange={(e) => set(i, { stage: e.target.value })} />
                <ErrorText messages={fe(`${at}.follow_up_stage`)} />
              </div>
            </div>
            <div className="field">
              <label htmlFor={id('message')}>Message</label>
              <textarea
                id={id('message')}
                rows={3}
                value={d.message}
                placeholder={'Hi {{name|there}}, just checking in…'}
                onChange={(e) => set(i, { message: e.target.value })}
                aria-invalid={fe(`${at}.message`).length ? true : undefined}
              />
              <ErrorText messages={fe(`${at}.message`)} />
            </div>
            <button
              type="button"
              className="btn btn-small btn-danger-outline"
              onClick={() => setDrafts((ds) => ds.filter((_, j) => j !== i))}
            >
              Remove step {at + 1}
            </button>
          </fieldset>
        );
      })}
      <div className="actions-row">
        <button type="button" className="btn" onClick={() => setDrafts((ds) => [...ds, blank(created.length + ds.length + 1)])}>
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
