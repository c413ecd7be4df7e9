import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBlast } from '../../src/blasts/createBlast.ts';
import { sendBlast } from '../../src/blasts/lifecycle.ts';
import { type Database, openDatabase, rows } from '../../src/db/client.ts';
import { claimRecipients } from '../../src/send/claimRecipients.ts';
import { type TestDb, createTestDatabase } from '../helpers/testDatabase.ts';
import { printFigures } from './support/promise.ts';
import { phones, sleep } from './support/processes.ts';

/**
 * The last line of defence under the device lease: when leases overlap (an engine stalled past
 * its lease, a clock gone wrong), several senders claim one device's queue at once. The claim
 * must hand each row to exactly one of them, and none may wait on another's locks.
 */
let db: TestDb;
const pools: Database[] = [];

beforeAll(async () => {
  db = await createTestDatabase('postgres');
  for (let i = 0; i < 8; i++) pools.push(await openDatabase({ url: db.url, poolMax: 1 }));
});
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
  await db.close();
});

async function queuedBlast(n: number, start: number, device: string): Promise<number> {
  // The claim sends only for a known, enabled, unpaused device (its row in devices).
  await db.db.execute(sql`INSERT INTO devices (id) VALUES (${device}) ON CONFLICT (id) DO NOTHING`);
  const created = await createBlast(
    db.db,
    {
      tag: 'claims',
      message: 'x',
      followUpStage: null,
      scheduledAt: null,
      device,
      recipients: phones(n, start).map((phone) => ({ phone, vars: {} })),
      dryRun: false,
    },
    { region: 'MY', maxRecipients: 100_000 },
  );
  await sendBlast(db.db, created.blast_id!);
  return created.blast_id!;
}

describe('claims under contention', () => {
  it('8 senders claiming one device at once: every row exactly once, no claim short while work remains', async () => {
    const N = 2000;
    const LIMIT = 5;
    await queuedBlast(N, 90_000, 'contended');
    const seen = new Map<number, string>();
    let twice = 0;
    let claimsMade = 0;
    let short = 0;
    let total = 0;
    const started = Date.now();
    await Promise.all(
      pools.map(async (p, i) => {
        const owner = `claimer-${i}`;
        for (;;) {
          const got = await claimRecipients(p.db, 'contended', owner, LIMIT, { leased: false });
          claimsMade++;
          if (got.length === 0) return;
          // Far from the tail (more than one round of every sender left), a claim must be full.
          if (got.length < LIMIT && total + pools.length * LIMIT < N) short++;
          total += got.length;
          for (const r of got) {
            if (seen.has(r.id)) twice++;
            seen.set(r.id, owner);
          }
        }
      }),
    );
    const perSender = pools.map((_, i) => [...seen.values()].filter((o) => o === `claimer-${i}`).length);
    printFigures('claims', {
      rows: N,
      senders: pools.length,
      claims: claimsMade,
      claimedTwice: twice,
      shortClaims: short,
      perSender,
      ms: Date.now() - started,
    });
    expect(twice).toBe(0);
    expect(seen.size).toBe(N);
    expect(short).toBe(0);
  });

  it('a sender holding its claim in an open transaction does not hold up the others', async () => {
    await queuedBlast(100, 95_000, 'held');
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let first: number[] = [];
    const slow = pools[0]!.db.transaction(async (tx) => {
      first = (await claimRecipients(tx, 'held', 'slow', 10, { leased: false })).map((r) => r.id);
      await held; // locks kept until this transaction ends
    });
    while (first.length === 0) await sleep(5);
    const t0 = Date.now();
    const claiming = claimRecipients(pools[1]!.db, 'held', 'fast', 10, { leased: false });
    // Had it to wait for the held locks, it would wait forever: the database shows that as a session
    // waiting on a lock, and then the test releases them. However long the claim takes, it must
    // finish without ever waiting so.
    let claimed = false;
    const lockWait = async () => {
      while (!claimed) {
        const [w] = await rows<{ n: number }>(
          db.db,
          sql`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        if (w!.n > 0) return 'blocked';
        await sleep(20);
      }
      return 'claimed';
    };
    const outcome = await Promise.race([
      claiming.then(() => {
        claimed = true;
        return 'claimed';
      }),
      lockWait(),
    ]);
    claimed = true;
    const waited = Date.now() - t0;
    release();
    await slow;
    const second = await claiming;
    printFigures('claims-held', { heldRows: first.length, otherRows: second.length, waitedMs: waited, outcome });
    expect(outcome).toBe('claimed');
    expect(second).toHaveLength(10);
    expect(second.some((r) => first.includes(r.id))).toBe(false);
  });
});
