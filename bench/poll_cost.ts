/**
 * poll_cost: status calls per recipient, with webhooks off, over 48 simulated hours — wablast's
 * widening schedule (src/domain/pollSchedule.ts, the offsets the poller uses) against the seed's
 * "every 10 seconds, every recipient still PENDING or DELIVERY_ACK" loop, on the same recipients.
 *
 * A pure simulation on a simulated clock: each recipient's true delivery and read times are drawn
 * once (seeded), then each polling policy is played against them. A poll sees the true status at
 * its instant; wablast stops polling a recipient once it saw READ_ACK (as the poller's UPDATE does)
 * or when its schedule ends; the seed stops at READ_ACK or at the end of the 48 hours.
 * Staleness of a status change is the time from the change to the first poll that saw it; a change
 * no poll saw within the 48 hours counts as never seen (it is left to webhooks and replies).
 *
 * The recipients (a plausible mix, stated so it can be argued with):
 *   4 % never delivered (phone lost, number dead); of the rest 85 % delivered 1 s–60 s after
 *   sending and 15 % (phone offline) 1 min–12 h after; 65 % of delivered messages are read,
 *   10 s–48 h after delivery. Every range is log-uniform.
 */
import { POLL_OFFSETS_S } from '../src/domain/pollSchedule.ts';
import { mulberry32 } from '../src/domain/mulberry32.ts';
import { type BenchOutcome, round } from './lib/result.ts';
import { median } from './lib/stats.ts';

const HOURS_48 = 48 * 3600;
const SEED_EVERY_S = 10;

interface Truth {
  deliveredAt: number | null;
  readAt: number | null;
}

interface PolicyResult {
  calls: number;
  /** Staleness of every status change that happened within the window; Infinity when never seen. */
  staleness: number[];
  /** The same, reads only. */
  readStaleness: number[];
}

export function pollCost(recipients: number): BenchOutcome {
  const rng = mulberry32(48);
  const logUniform = (min: number, max: number) => Math.exp(Math.log(min) + rng() * (Math.log(max) - Math.log(min)));
  const truths: Truth[] = Array.from({ length: recipients }, () => {
    if (rng() < 0.04) return { deliveredAt: null, readAt: null };
    const deliveredAt = rng() < 0.85 ? logUniform(1, 60) : logUniform(60, 12 * 3600);
    const readAt = rng() < 0.65 ? deliveredAt + logUniform(10, HOURS_48) : null;
    return { deliveredAt, readAt };
  });

  const ours = play(truths, POLL_OFFSETS_S);
  const seed = play(
    truths,
    Array.from({ length: HOURS_48 / SEED_EVERY_S }, (_, i) => (i + 1) * SEED_EVERY_S),
  );
  const oursPer = ours.calls / recipients;
  const seedPer = seed.calls / recipients;
  const ratio = seedPer / oursPer;
  const changes = ours.staleness.length;
  return {
    result: {
      name: 'poll_cost',
      value: round(oursPer),
      unit: 'calls/recipient',
      baseline: round(seedPer),
      ratio: round(ratio),
      goal: '≥ 100× fewer calls',
      met: ratio >= 100,
    },
    details: {
      recipients,
      simulated_hours: 48,
      status_changes: changes,
      median_staleness_ours: human(median(ours.staleness)),
      median_staleness_seed: human(median(seed.staleness)),
      median_read_staleness_ours: human(median(ours.readStaleness)),
      median_read_staleness_seed: human(median(seed.readStaleness)),
      changes_never_seen_by_polling_ours: `${round((ours.staleness.filter((s) => s === Infinity).length / changes) * 100)}%`,
      changes_never_seen_by_polling_seed: `${round((seed.staleness.filter((s) => s === Infinity).length / changes) * 100)}%`,
      note: 'pure simulation on a simulated clock, schedule from src/domain/pollSchedule.ts; webhooks off',
    },
  };
}

/**
 * Plays one polling policy (poll instants in seconds after sending, ascending) against every
 * recipient. Polling stops at the first poll at or after the read (it sees READ_ACK), or when the
 * policy runs out of polls inside the window. Binary search keeps the seed's 17,280 polls a day cheap.
 */
function play(truths: readonly Truth[], schedule: readonly number[]): PolicyResult {
  const polls = schedule.filter((at) => at <= HOURS_48);
  const firstAtOrAfter = (t: number) => {
    let lo = 0;
    let hi = polls.length; // polls.length means "no such poll"
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (polls[mid]! >= t) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  let calls = 0;
  const staleness: number[] = [];
  const readStaleness: number[] = [];
  for (const t of truths) {
    const last = t.readAt !== null && t.readAt <= HOURS_48 ? Math.min(firstAtOrAfter(t.readAt), polls.length - 1) : polls.length - 1;
    calls += last + 1;
    for (const c of [t.deliveredAt, t.readAt]) {
      if (c === null || c > HOURS_48) continue;
      const i = firstAtOrAfter(c);
      const s = i <= last ? polls[i]! - c : Infinity;
      staleness.push(s);
      if (c === t.readAt) readStaleness.push(s);
    }
  }
  return { calls, staleness, readStaleness };
}

function human(s: number): string {
  if (!Number.isFinite(s)) return 'never (within 48 h)';
  if (s < 120) return `${round(s)} s`;
  if (s < 7200) return `${round(s / 60)} min`;
  return `${round(s / 3600)} h`;
}
