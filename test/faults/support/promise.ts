import { sql } from 'drizzle-orm';
import { type Db, rows } from '../../../src/db/client.ts';
import type { SimMessage } from '../../../sim/simMessage.ts';

/**
 * The promise under test, checked from the outside: the simulator's own record of what it
 * accepted, and a history of every status change the database saw (a trigger installed by the
 * test, not part of wablast).
 */

const PROGRESS = ['PENDING', 'DELIVERY_ACK', 'READ_ACK', 'REPLIED', 'CLOSED'] as const;
const RANK: Record<string, number> = { PENDING: 2, DELIVERY_ACK: 3, READ_ACK: 4, REPLIED: 5, CLOSED: 6 };
const isProgress = (s: string) => (PROGRESS as readonly string[]).includes(s);

/**
 * Records every status change of blast_recipients (and who claimed the row) in _fault_history,
 * and every change of a device's lease holder in _lease_history.
 * Run once on a migrated database before any wablast process touches it.
 */
export async function installHistory(db: Db): Promise<void> {
  await db.execute(sql`CREATE TABLE IF NOT EXISTS _fault_history (
    id bigserial PRIMARY KEY,
    recipient_id bigint NOT NULL,
    old_status text NOT NULL,
    new_status text NOT NULL,
    claimed_by text,
    at timestamptz NOT NULL DEFAULT clock_timestamp()
  )`);
  await db.execute(
    sql.raw(`CREATE OR REPLACE FUNCTION _fault_history_fn() RETURNS trigger AS $$
    BEGIN
      INSERT INTO _fault_history (recipient_id, old_status, new_status, claimed_by)
      VALUES (NEW.id, OLD.status, NEW.status, NEW.claimed_by);
      RETURN NEW;
    END $$ LANGUAGE plpgsql`),
  );
  await db.execute(sql.raw(`DROP TRIGGER IF EXISTS _fault_history_trg ON blast_recipients`));
  // Who held each device's lease from when: every change of owner (renewals keep the owner).
  await db.execute(sql`CREATE TABLE IF NOT EXISTS _lease_history (
    id bigserial PRIMARY KEY,
    device text NOT NULL,
    owner text,
    at timestamptz NOT NULL DEFAULT clock_timestamp()
  )`);
  await db.execute(
    sql.raw(`CREATE OR REPLACE FUNCTION _lease_history_fn() RETURNS trigger AS $$
    BEGIN
      INSERT INTO _lease_history (device, owner) VALUES (NEW.id, NEW.lease_owner);
      RETURN NEW;
    END $$ LANGUAGE plpgsql`),
  );
  await db.execute(sql.raw(`DROP TRIGGER IF EXISTS _lease_history_trg ON devices`));
  await db.execute(
    sql.raw(`CREATE TRIGGER _lease_history_trg AFTER UPDATE ON devices
             FOR EACH ROW WHEN (OLD.lease_owner IS DISTINCT FROM NEW.lease_owner) EXECUTE FUNCTION _lease_history_fn()`),
  );
  await db.execute(
    sql.raw(`CREATE TRIGGER _fault_history_trg AFTER UPDATE ON blast_recipients
             FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION _fault_history_fn()`),
  );
}

/**
 * The status lattice as transitions (DESIGN §3/§4). No resend is asked for in these tests, so
 * nothing that left SENDING may go back to the queue.
 */
export function allowedTransition(from: string, to: string): boolean {
  if (from === to) return true;
  if (to === 'CLOSED' || to === 'REPLIED' || to === 'READ_ACK' || to === 'DELIVERY_ACK' || to === 'PENDING') {
    if (from === 'QUEUED' || from === 'SKIPPED') return false;
    if (isProgress(from)) return RANK[to]! > RANK[from]!;
    return true; // SENDING, FAILED, UNCERTAIN: the gateway's evidence wins
  }
  switch (from) {
    case 'QUEUED':
      return to === 'SENDING' || to === 'SKIPPED';
    case 'SENDING':
      return to === 'QUEUED' || to === 'FAILED' || to === 'UNCERTAIN' || to === 'SKIPPED';
    case 'PENDING':
    case 'UNCERTAIN':
      return to === 'FAILED'; // WhatsApp's ERROR while nothing better is known
    default:
      return false;
  }
}

export interface Figures {
  recipients: number;
  /** Extra contacts: the sum over numbers of (times accepted − 1). */
  duplicates: number;
  uncertain: number;
  /** Recipients that were UNCERTAIN at some point (a reply may have moved some on since). */
  everUncertain: number;
  /** The simulator accepted it, but wablast says neither sent, failed by WhatsApp, nor uncertain. */
  lost: number;
  /** wablast says sent but the simulator never accepted that number (or under another id). */
  phantom: number;
  /** Still QUEUED or SENDING. */
  unsettled: number;
  regressions: number;
  /** Claims made by an engine that did not hold the device's lease at that moment. */
  unleasedClaims: number;
  failed: number;
  skipped: number;
  sent: number;
  byStatus: Record<string, number>;
  /** Uncertain rows per owner that had them (the owner that was in flight). */
  uncertainByOwner: Record<string, number>;
  problems: string[];
}

interface Row {
  id: number;
  phone_number: string;
  status: string;
  message_id: string | null;
  claimed_by: string | null;
}

/**
 * Checks every recipient of `blastIds` against the simulator's messages and the history.
 * `webhooks`: also require that what the simulator told our webhook is reflected (no event lost).
 * `errorsFromTest`: the test itself sent ERROR webhooks, so FAILED is not evidence of a lost send.
 */
export async function checkPromise(
  db: Db,
  blastIds: number[],
  messages: SimMessage[],
  opts: { webhooks?: boolean; errorsFromTest?: boolean } = {},
): Promise<Figures> {
  const ids = `{${blastIds.join(',')}}`;
  const recipients = await rows<Row>(
    db,
    sql`SELECT id, phone_number, status, message_id, claimed_by FROM blast_recipients WHERE blast_id = ANY(${ids}::bigint[]) ORDER BY id`,
  );
  const byPhone = new Map<string, SimMessage[]>();
  for (const m of messages) byPhone.set(m.to, [...(byPhone.get(m.to) ?? []), m]);
  const problems: string[] = [];
  const note = (s: string) => {
    if (problems.length < 20) problems.push(s);
  };
  const byStatus: Record<string, number> = {};
  const uncertainByOwner: Record<string, number> = {};
  let duplicates = 0;
  let lost = 0;
  let phantom = 0;
  let unsettled = 0;

  for (const r of recipients) {
    byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
    const sent = byPhone.get(r.phone_number) ?? [];
    if (sent.length > 1) {
      duplicates += sent.length - 1;
      note(`${r.phone_number} contacted ${sent.length} times (status ${r.status})`);
    }
    const m = sent[0];
    if (r.status === 'QUEUED' || r.status === 'SENDING') {
      unsettled++;
      note(`${r.phone_number} ended ${r.status}`);
    } else if (isProgress(r.status)) {
      // A reply moves an UNCERTAIN row (no message id) to REPLIED: the person answered, so it arrived.
      if (!m || (r.message_id !== null && m.messageId !== r.message_id) || (r.message_id === null && RANK[r.status]! < RANK.REPLIED!)) {
        phantom++;
        note(`${r.phone_number} is ${r.status} with id ${r.message_id}, simulator has ${m?.messageId ?? 'nothing'}`);
      }
    } else if (r.status === 'UNCERTAIN') {
      const owner = r.claimed_by ?? '?';
      uncertainByOwner[owner] = (uncertainByOwner[owner] ?? 0) + 1;
    } else if (m && !(r.status === 'FAILED' && (m.status === 'ERROR' || opts.errorsFromTest))) {
      // FAILED or SKIPPED although it went out (and WhatsApp did not refuse it): nobody would know.
      lost++;
      note(`${r.phone_number} was accepted as ${m.messageId} but ended ${r.status}`);
    }
    if (opts.webhooks && m) {
      // A reply proves arrival whatever wablast knew about the send (an UNCERTAIN row too);
      // the other events can only be applied to a message id wablast stored.
      const known = m.messageId === r.message_id;
      const want = m.replied
        ? 'REPLIED'
        : !known
          ? null
          : m.read
            ? 'READ_ACK'
            : m.delivered
              ? 'DELIVERY_ACK'
              : m.status === 'ERROR'
                ? 'FAILED'
                : null;
      const ok = want === null || (want === 'FAILED' ? r.status === 'FAILED' : isProgress(r.status) && RANK[r.status]! >= RANK[want]!);
      if (!ok) {
        lost++;
        note(`${r.phone_number}: gateway reported ${want}, wablast has ${r.status}`);
      }
    }
  }

  const history = await rows<{ recipient_id: number; old_status: string; new_status: string }>(
    db,
    sql`SELECT h.recipient_id, h.old_status, h.new_status FROM _fault_history h
        JOIN blast_recipients r ON r.id = h.recipient_id WHERE r.blast_id = ANY(${ids}::bigint[]) ORDER BY h.id`,
  );
  let regressions = 0;
  const wasUncertain = new Set<number>();
  for (const h of history) {
    if (h.new_status === 'UNCERTAIN') wasUncertain.add(h.recipient_id);
    if (!allowedTransition(h.old_status, h.new_status)) {
      regressions++;
      note(`recipient ${h.recipient_id} went ${h.old_status} → ${h.new_status}`);
    }
  }

  const unleased = await rows<{ recipient_id: number; claimed_by: string | null; holder: string | null }>(
    db,
    sql`SELECT h.recipient_id, h.claimed_by, l.owner AS holder
        FROM _fault_history h
        JOIN blast_recipients r ON r.id = h.recipient_id
        JOIN blasts b ON b.id = r.blast_id
        LEFT JOIN LATERAL (
          SELECT owner FROM _lease_history l WHERE l.device = b.device AND l.at <= h.at ORDER BY l.at DESC, l.id DESC LIMIT 1
        ) l ON true
        WHERE h.new_status = 'SENDING' AND r.blast_id = ANY(${ids}::bigint[])
          AND h.claimed_by IS DISTINCT FROM l.owner`,
  );
  for (const u of unleased.slice(0, 3))
    note(`recipient ${u.recipient_id} claimed by ${u.claimed_by} while ${u.holder ?? 'nobody'} held the device`);

  return {
    recipients: recipients.length,
    duplicates,
    uncertain: byStatus.UNCERTAIN ?? 0,
    everUncertain: wasUncertain.size,
    lost,
    phantom,
    unsettled,
    regressions,
    unleasedClaims: unleased.length,
    failed: byStatus.FAILED ?? 0,
    skipped: byStatus.SKIPPED ?? 0,
    sent: PROGRESS.reduce((n, s) => n + (byStatus[s] ?? 0), 0),
    byStatus,
    uncertainByOwner,
    problems,
  };
}

/** Rows each engine owner claimed (moved to SENDING), from the history. */
export async function claimsByOwner(db: Db, blastIds: number[]): Promise<Record<string, number>> {
  const found = await rows<{ owner: string; n: number }>(
    db,
    sql`SELECT h.claimed_by AS owner, count(*)::int AS n FROM _fault_history h
        JOIN blast_recipients r ON r.id = h.recipient_id
        WHERE h.new_status = 'SENDING' AND r.blast_id = ANY(${`{${blastIds.join(',')}}`}::bigint[])
        GROUP BY 1`,
  );
  return Object.fromEntries(found.map((f) => [f.owner, f.n]));
}

/**
 * The most a device may show in one wall-clock second at the gateway: the engine dispatches at
 * most `rate` per second plus `burst` at once, and the gateway's clock sees each request a
 * variable moment later (network, event loops: several processes share two CPUs in CI), which
 * can slide a little of the next second into the window. 50 ms of that variance is allowed; two
 * engines pacing one device at once, or a burst out of bounds, shows far above it.
 */
export function paceLimit(rate: number, burst: number): number {
  return rate + burst + Math.ceil(rate * 0.05);
}

/** One line of figures per scenario, greppable: `[faults] <scenario> key=value ...`. */
export function printFigures(scenario: string, figures: Record<string, unknown>): void {
  const parts = Object.entries(figures).map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
  console.log(`[faults] ${scenario}: ${parts.join(' ')}`);
}
