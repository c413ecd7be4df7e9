/**
 * The funnel of a report across blasts: how many reached each stage, and the rate from each stage
 * to the next (received/sent, read/received, replied/read, closed/replied) — where a blast's own
 * report gives fractions of sent, a comparison across stages wants the step that loses people.
 */
export const STAGES = ['sent', 'received', 'read', 'replied', 'closed'] as const;
export type Stage = (typeof STAGES)[number];

export type StageCounts = Record<Stage, number>;

export interface StageFunnel extends StageCounts {
  rates: { received: number; read: number; replied: number; closed: number };
}

export function stageFunnel(c: Partial<StageCounts>): StageFunnel {
  const n = (s: Stage) => c[s] ?? 0;
  const rate = (x: number, of: number) => (of === 0 ? 0 : Math.round((x / of) * 10_000) / 10_000);
  return {
    sent: n('sent'),
    received: n('received'),
    read: n('read'),
    replied: n('replied'),
    closed: n('closed'),
    rates: {
      received: rate(n('received'), n('sent')),
      read: rate(n('read'), n('received')),
      replied: rate(n('replied'), n('read')),
      closed: rate(n('closed'), n('replied')),
    },
  };
}

/** True for a time-zone name the runtime's IANA database knows (Asia/Kuala_Lumpur, UTC). */
export function isTimeZone(name: string): boolean {
  if (!/^[A-Za-z0-9_+\-/]{1,64}$/.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}
