import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { rows } from '../db/client.ts';
import { type PoolMember, takesNewPhones } from '../domain/senderPool.ts';
import { leaseLive, leasedBy } from './deviceLease.ts';

export interface Claimed {
  id: number;
  blast_id: number;
  phone_number: string;
  variables: Record<string, string>;
  attempts: number;
  message: string;
  opted_out: boolean;
}

export interface ClaimOptions {
  /** false only in tests that claim without holding the lease. */
  leased?: boolean;
  /** The env DAILY_CAP, for pool devices without their own cap (their room today). */
  defaultDailyCap?: number | null;
}

/**
 * Claims the next `limit` recipients this device should send — oldest blast first, then in
 * recipient order — and marks them SENDING, owned by `owner` and assigned to this device, in one
 * statement. Two kinds of rows qualify, in the blasts whose sender pool holds this device:
 *
 * - rows already assigned to it (`device` = this device): phones it messaged before (sticky
 *   sender, set when the blast was created or when it first messaged the phone);
 * - new phones (`device` IS NULL), but only in the blasts where the pool rule
 *   (domain/senderPool.ts) says this device has the most room. The pool's state is read in a
 *   statement before; a stale read only tilts the balance for one claim, it cannot double-send:
 *   the row lock decides who sends a row.
 *
 * FOR UPDATE SKIP LOCKED lets any number of senders run this at once: each row goes to exactly one
 * of them and nobody waits on another's lock. Each branch locks at most `limit` rows and the
 * statement keeps the first `limit` of both; the rest are unlocked at its commit (it is one
 * autocommit statement), so a losing row is merely skipped by a concurrent claim for an instant.
 * Only what is about to be sent is claimed (the caller asks for as many as its pace allows right
 * now), so a crash leaves at most the in-flight requests in SENDING. Rows waiting out a retry
 * backoff are not yet due. A paused or disabled device claims nothing, not even its own phones.
 */
export async function claimRecipients(db: Db, device: string, owner: string, limit: number, opts: ClaimOptions = {}): Promise<Claimed[]> {
  if (limit <= 0) return [];
  const newPhoneBlasts = await blastsTakingNewPhones(db, device, opts.defaultDailyCap ?? null, opts.leased !== false);
  // The lease is re-checked inside the claim itself: an engine frozen between its last renewal
  // and this statement (GC pause, SIGSTOP) claims nothing once another engine has the device.
  // An uncorrelated EXISTS, so Postgres evaluates it once per statement, not per row.
  const leaseHeld = opts.leased === false ? sql`true` : leasedBy('d', owner);
  const mayClaim = sql`EXISTS (SELECT 1 FROM devices d WHERE d.id = ${device} AND d.enabled AND d.paused_at IS NULL AND ${leaseHeld})`;
  const due = sql`(r.next_attempt_at IS NULL OR r.next_attempt_at <= now())`;
  return rows<Claimed>(
    db,
    sql`WITH assigned AS (
          SELECT r.id, r.blast_id
          FROM blast_recipients r
          JOIN blasts b ON b.id = r.blast_id
          WHERE r.device = ${device} AND r.status = 'QUEUED' AND ${due} AND b.state = 'sending' AND ${mayClaim}
          ORDER BY r.blast_id, r.id
          LIMIT ${limit}
          FOR UPDATE OF r SKIP LOCKED
        ),
        fresh AS (
          SELECT r.id, r.blast_id
          FROM blast_recipients r
          JOIN blasts b ON b.id = r.blast_id
          WHERE r.device IS NULL AND r.blast_id = ANY(${`{${newPhoneBlasts.join(',')}}`}::bigint[])
            AND r.status = 'QUEUED' AND ${due} AND b.state = 'sending' AND ${mayClaim}
            -- A phone another enabled device of this pool messaged first, since the blast was made:
            -- it is that device's (phoneSenders assigns it; this covers the instant in between).
            AND NOT EXISTS (
              SELECT 1 FROM phone_senders ps
              JOIN blast_devices bd ON bd.blast_id = r.blast_id AND bd.device = ps.device
              WHERE ps.phone_number = r.phone_number AND ps.device <> ${device}
                AND NOT EXISTS (SELECT 1 FROM devices x WHERE x.id = ps.device AND NOT x.enabled)
            )
          ORDER BY r.blast_id, r.id
          LIMIT ${limit}
          FOR UPDATE OF r SKIP LOCKED
        ),
        next AS (
          SELECT id FROM (SELECT * FROM assigned UNION ALL SELECT * FROM fresh) both_kinds
          ORDER BY blast_id, id
          LIMIT ${limit}
        )
        UPDATE blast_recipients r
        SET status = 'SENDING', device = ${device}, claimed_by = ${owner}, claimed_at = now()
        FROM next, blasts b
        WHERE r.id = next.id AND b.id = r.blast_id
        RETURNING r.id, r.blast_id, r.phone_number, r.variables, r.attempts, b.message,
                  EXISTS (SELECT 1 FROM opt_outs o WHERE o.phone_number = r.phone_number) AS opted_out`,
  );
}

interface PoolRow {
  blast_id: number;
  device: string;
  enabled: boolean;
  paused: boolean;
  held: boolean;
  leased: boolean;
  sent_today: number;
  daily_cap: number | null;
}

/**
 * The sending blasts whose new phones this device may take now: every device of their pools with
 * its state and today's count, judged by the pool rule. A single-device blast always qualifies.
 */
async function blastsTakingNewPhones(db: Db, device: string, defaultCap: number | null, leased: boolean): Promise<number[]> {
  const pool = await rows<PoolRow>(
    db,
    sql`SELECT mine.blast_id, o.device, coalesce(d.enabled, true) AS enabled, d.paused_at IS NOT NULL AS paused,
               d.hold_kind IS NOT NULL AS held, ${leaseLive('d')} AS leased,
               coalesce(c.sent, 0) AS sent_today, d.daily_cap
        FROM blast_devices mine
        JOIN blasts b ON b.id = mine.blast_id AND b.state = 'sending'
        JOIN blast_devices o ON o.blast_id = mine.blast_id
        LEFT JOIN devices d ON d.id = o.device
        LEFT JOIN device_daily_counts c ON c.device = o.device AND c.day = to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD')
        WHERE mine.device = ${device}`,
  );
  const byBlast = new Map<number, PoolMember[]>();
  for (const p of pool) {
    const member: PoolMember = {
      device: p.device,
      // This device's own lease is checked by the claim itself (and skipped by tests that claim unleased).
      live: p.enabled && !p.paused && (p.leased || (p.device === device && !leased)),
      held: p.held,
      sentToday: Number(p.sent_today),
      cap: p.daily_cap ?? defaultCap,
    };
    const list = byBlast.get(Number(p.blast_id)) ?? [];
    list.push(member);
    byBlast.set(Number(p.blast_id), list);
  }
  const taking: number[] = [];
  for (const [blastId, members] of byBlast) {
    const me = members.find((m) => m.device === device)!;
    if (takesNewPhones(me, members)) taking.push(blastId);
  }
  return taking;
}
