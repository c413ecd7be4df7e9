import type { Report } from '../lib/types.ts';
import colours from './funnel.module.css';

export const FUNNEL_STAGES = [
  { key: 'sent', label: 'Sent' },
  { key: 'received', label: 'Received' },
  { key: 'read', label: 'Read' },
  { key: 'replied', label: 'Replied' },
  { key: 'closed', label: 'Closed' },
] as const;

export type FunnelKey = (typeof FUNNEL_STAGES)[number]['key'];

/** The class that colours the i-th stage of FUNNEL_STAGES. */
export function stageColour(i: number): string | undefined {
  return colours[`stage${i}`];
}

/** Recipients whose sending is over, one way or another. */
export function processed(r: Report): number {
  return r.sent + r.failed + r.uncertain + r.skipped;
}

export function stageRate(r: Report, key: FunnelKey): number {
  if (key === 'sent') return r.total > 0 ? r.sent / r.total : 0;
  const fromApi = r.rates?.[key];
  if (typeof fromApi === 'number') return fromApi;
  return r.sent > 0 ? r[key] / r.sent : 0;
}
