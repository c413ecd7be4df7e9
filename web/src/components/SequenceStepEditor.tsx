import { SEGMENT_LABELS } from '../lib/segments.ts';
import { DELAY_UNITS, type DelayUnit, SEQUENCE_SEGMENTS, type SequenceSegment } from '../lib/sequenceApi.ts';
import type { SequenceDraft } from '../lib/sequenceDraft.ts';
import { ErrorText } from './ErrorText.tsx';
import { Optional } from './Field.tsx';
import panel from './SequencePanel.module.css';
import css from './SequenceStepEditor.module.css';

interface Props {
  draft: SequenceDraft;
  /** The step's place in the sequence, from 0 (its created steps first). */
  at: number;
  /** The errors of one of its fields (`segment`, `delay`, `follow_up_stage`, `message`). */
  errors: (field: string) => string[];
  onChange: (patch: Partial<SequenceDraft>) => void;
  onRemove: () => void;
}

/** One step of a sequence not created yet: who gets it, after how long, its stage and its message. */
export function SequenceStepEditor({ draft: d, at, errors, onChange, onRemove }: Props) {
  const id = (f: string) => `seq-${at}-${f}`;
  return (
    <fieldset className={panel.step} data-testid="sequence-step-editor">
      <legend>Step {at + 1}</legend>
      <div className="field-row">
        <div className="field">
          <label htmlFor={id('segment')}>Who gets it</label>
          <select id={id('segment')} value={d.segment} onChange={(e) => onChange({ segment: e.target.value as SequenceSegment })}>
            {SEQUENCE_SEGMENTS.map((s) => (
              <option key={s} value={s}>
                {SEGMENT_LABELS[s]}
              </option>
            ))}
          </select>
          <ErrorText messages={errors('segment')} />
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
              onChange={(e) => onChange({ amount: e.target.value })}
              aria-invalid={errors('delay').length ? true : undefined}
            />
            <select
              aria-label={`Step ${at + 1} delay unit`}
              value={d.unit}
              onChange={(e) => onChange({ unit: e.target.value as DelayUnit })}
            >
              {DELAY_UNITS.map(([u]) => (
                <option key={u} value={u}>
                  {u}
                </option>
              ))}
            </select>
          </div>
          <p className="hint">{at === 0 ? 'after the blast finished sending' : 'after the previous step finished sending'}</p>
          <ErrorText messages={errors('delay')} />
        </div>
        <div className="field">
          <label htmlFor={id('stage')}>
            <Optional>Stage</Optional>
          </label>
          <input id={id('stage')} type="text" maxLength={100} value={d.stage} onChange={(e) => onChange({ stage: e.target.value })} />
          <ErrorText messages={errors('follow_up_stage')} />
        </div>
      </div>
      <div className="field">
        <label htmlFor={id('message')}>Message</label>
        <textarea
          id={id('message')}
          rows={3}
          value={d.message}
          placeholder={'Hi {{name|there}}, just checking in…'}
          onChange={(e) => onChange({ message: e.target.value })}
          aria-invalid={errors('message').length ? true : undefined}
        />
        <ErrorText messages={errors('message')} />
      </div>
      <button type="button" className="btn btn-small btn-danger-outline" onClick={onRemove}>
        Remove step {at + 1}
      </button>
    </fieldset>
  );
}
