import { ErrorText } from './ErrorText.tsx';

export const STAGES = ['Initial', 'Follow-up 1', 'Follow-up 2', 'Follow-up 3'] as const;
export const OTHER = '__other__';

interface Props {
  choice: string;
  other: string;
  onChoice: (v: string) => void;
  onOther: (v: string) => void;
  errors: string[];
}

export function StageField({ choice, other, onChoice, onOther, errors }: Props) {
  return (
    <div className="field">
      <label htmlFor="stage">Follow-up stage</label>
      <select
        id="stage"
        value={choice}
        onChange={(e) => onChoice(e.target.value)}
        aria-invalid={errors.length > 0 && choice !== OTHER ? true : undefined}
        aria-describedby={errors.length > 0 ? 'stage-error' : undefined}
      >
        {STAGES.map((s) => (
          <option key={s} value={s}>
            {s}
          </option>
        ))}
        <option value={OTHER}>Other…</option>
      </select>
      {choice === OTHER && (
        <>
          <label htmlFor="stage-other" className="sub-label">
            Stage name
          </label>
          <input
            id="stage-other"
            type="text"
            value={other}
            maxLength={100}
            placeholder="e.g. Re-engagement"
            onChange={(e) => onOther(e.target.value)}
            aria-invalid={errors.length > 0 ? true : undefined}
            aria-describedby={errors.length > 0 ? 'stage-error' : undefined}
          />
        </>
      )}
      <ErrorText id="stage-error" messages={errors} />
    </div>
  );
}
