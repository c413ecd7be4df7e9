import { useEffect, useState } from 'react';
import { api } from '../lib/api.ts';
import type { DevicePacing, PacingPreset, Plan } from '../lib/types.ts';

const PRESETS: Array<{ value: PacingPreset; label: string; hint: string }> = [
  { value: 'safe', label: 'Safe', hint: 'Random 10–30 s gaps, at most 80 an hour and 400 a day, in working hours.' },
  { value: 'warm-up', label: 'Warm-up', hint: 'For a new number: 20 on day 1, growing ×1.8 a day, 30–60 s gaps in its first week.' },
  {
    value: 'fast',
    label: 'Fast',
    hint: 'As fast as the gateway allows. A real number messaging strangers this fast risks being banned by WhatsApp.',
  },
  { value: 'custom', label: 'Custom', hint: "The device's own gaps and caps (set through the devices API)." },
];

/**
 * The new blast's pace: the device's own preset unless the operator picks another. Shows the
 * device's plan in words, and once the recipients are checked, the ETA of this blast.
 */
export function PacingPicker({
  device,
  value,
  onChange,
  plan,
}: {
  device: string;
  value: PacingPreset | '';
  onChange: (v: PacingPreset | '') => void;
  plan?: Plan | undefined;
}) {
  const [devices, setDevices] = useState<DevicePacing[] | null>(null);
  useEffect(() => {
    api.devices().then(
      (r) => setDevices(r.devices),
      () => setDevices([]),
    );
  }, []);
  const own = devices?.find((d) => d.id === device);
  const chosen = PRESETS.find((p) => p.value === value);
  return (
    <div className="field">
      <label htmlFor="pacing">Pace</label>
      <select id="pacing" value={value} onChange={(e) => onChange(e.target.value as PacingPreset | '')} aria-describedby="pacing-hint">
        <option value="">Device default{own ? ` (${own.effective.preset})` : ''}</option>
        {PRESETS.map((p) => (
          <option key={p.value} value={p.value}>
            {p.label}
          </option>
        ))}
      </select>
      <p id="pacing-hint" className="hint">
        {chosen ? chosen.hint : own ? own.effective.summary : 'The pace set for the device (PACING_PRESET by default).'}
      </p>
      {plan && (
        <p className="hint" data-testid="pacing-eta">
          {plan.summary}. {plan.eta_text}.
        </p>
      )}
    </div>
  );
}
