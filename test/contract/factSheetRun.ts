import type { Tally } from './factSheetGateway.ts';

/** One stretch of trouble mid-blast and what the gateway saw of it. */
export interface Phase {
  name: 'token' | 'offline';
  /** Accepted sends when the trouble began. */
  acceptedAt: number;
  /** Sends the gateway refused while it lasted. */
  refused: number;
  /** Accepted sends once sending resumed. */
  acceptedAfter: number;
  /** The device as GET /api/devices showed it while held (JSON), null if it never looked held. */
  heldShown: string | null;
  /** The blast's `state: last_error` if it left 'sending' while the trouble lasted, else null. */
  blastShown: string | null;
}

export interface Recipient {
  phone_number: string;
  status: string;
  message_id: string | null;
  last_error: string | null;
}

/** What the scenario gathered through wablast's API, for the assertions. */
export interface Run {
  phases: Phase[];
  errors: string[];
  blastId?: number;
  blast?: { state: string };
  report?: { sent: number; received: number; read: number; replied: number };
  recipients?: Recipient[];
  optOuts?: string[];
  storedEvents?: number;
}

const RUNNING = /^(running|active|sending|ok|idle|ready|online|connected|normal|none)$/i;
const UNTIL = /until|resume_at|retry_at|next_probe|probe_at/i;

/**
 * Whether a device of GET /api/devices looks held (paused or backing off), read loosely because
 * the field did not exist when this was written: a `state`/`sending`/`sending_state`/`status`
 * string other than a running word (or such an object inside), `paused`/`held: true`,
 * `sending: false`, a non-empty `*reason`, or a future `*until` time. Returns the device as JSON.
 */
export function deviceHeld(d: Record<string, unknown> | undefined): string | null {
  if (!d) return null;
  return looksHeld(d) ? JSON.stringify(d) : null;
}

function looksHeld(d: Record<string, unknown>, depth = 0): boolean {
  for (const k of ['state', 'sending', 'sending_state', 'send_state', 'status', 'hold']) {
    const v = d[k];
    if (typeof v === 'string' && v !== '' && !RUNNING.test(v)) return true;
    if (v && typeof v === 'object' && depth < 2 && looksHeld(v as Record<string, unknown>, depth + 1)) return true;
  }
  if (d.paused === true || d.held === true || d.sending === false) return true;
  for (const [k, v] of Object.entries(d)) {
    if (/reason$/i.test(k) && typeof v === 'string' && v !== '') return true;
    if (UNTIL.test(k) && typeof v === 'string' && Date.parse(v) > Date.now()) return true;
  }
  return false;
}

/** Where the gateway's own record puts one number in the funnel. */
export function stageOf(t: Tally, e164: string): string {
  const sends = t.accepted.get(e164) ?? [];
  if (sends.length === 0) return 'QUEUED';
  if ((t.replies.get(e164) ?? []).length > 0) return 'REPLIED';
  const top = Math.max(2, ...sends.flatMap((s) => t.acks.get(s.id) ?? []));
  return top >= 4 ? 'READ_ACK' : top === 3 ? 'DELIVERY_ACK' : 'PENDING';
}

/** The cumulative funnel (a reply counts as read and received) from the gateway's tally. */
export function expectedFunnel(t: Tally, numbers: string[]): { sent: number; received: number; read: number; replied: number } {
  const rank: Record<string, number> = { QUEUED: 0, PENDING: 2, DELIVERY_ACK: 3, READ_ACK: 4, REPLIED: 5 };
  const ranks = numbers.map((p) => rank[stageOf(t, p)]!);
  const atLeast = (r: number) => ranks.filter((x) => x >= r).length;
  return { sent: atLeast(2), received: atLeast(3), read: atLeast(4), replied: atLeast(5) };
}
