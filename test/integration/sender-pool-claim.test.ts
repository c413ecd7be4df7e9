import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBlast } from '../../src/blasts/createBlast.ts';
import { sendBlast } from '../../src/blasts/lifecycle.ts';
import { rows } from '../../src/db/client.ts';
import { pauseDevice, resumeDevice } from '../../src/devices/devicePause.ts';
import { claimRecipients } from '../../src/send/claimRecipients.ts';
import { holdDevice } from '../../src/send/deviceHold.ts';
import { acquireLease } from '../../src/send/deviceLease.ts';
import { releaseQueued } from '../../src/send/phoneSenders.ts';
import { storeAccepted, storeSettled } from '../../src/send/storeOutcomes.ts';
import { type TestDb, createTestDatabase } from '../helpers/testDatabase.ts';

let db: TestDb;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.close();
});

const limits = { region: 'MY', maxRecipients: 1000 };
const phones = (n: number, start: number) => Array.from({ length: n }, (_, i) => `+6013${String(9_000_000 + start + i)}`);

async function pooledBlast(list: string[], device: string, devices: string[]): Promise<number> {
  const created = await createBlast(
    db.db,
    {
      tag: null,
      message: 'x',
      followUpStage: null,
      scheduledAt: null,
      device,
      devices,
      recipients: list.map((phone) => ({ phone, vars: {} })),
      dryRun: false,
    },
    limits,
  );
  await sendBlast(db.db, created.blast_id!);
  return created.blast_id!;
}

/** Each device's engine claims (owner = `eng-<device>`) and the gateway accepts everything claimed. */
async function claimAndAccept(device: string, limit: number): Promise<string[]> {
  const claimed = await claimRecipients(db.db, device, `eng-${device}`, limit);
  await storeAccepted(
    db.db,
    `eng-${device}`,
    device,
    claimed.map((c) => ({ id: c.id, messageId: `m-${c.id}`, data: null, sentAt: Date.now() })),
  );
  return claimed.map((c) => c.phone_number);
}

const deviceOf = async (blastId: number) =>
  new Map(
    (
      await rows<{ phone_number: string; device: string | null }>(
        db.db,
        sql`SELECT phone_number, device FROM blast_recipients WHERE blast_id = ${blastId}`,
      )
    ).map((r) => [r.phone_number, r.device]),
  );

describe('the claim over a sender pool', () => {
  it('spreads new phones over the pool, keeps each phone on its first device in the follow-up, and holds/pauses take no new phones', async () => {
    const pool = ['pa', 'pb', 'pc'];
    for (const d of pool) expect(await acquireLease(db.db, d, `eng-${d}`)).not.toBeNull();
    const list = phones(30, 1);
    await pooledBlast(list, 'pa', ['pb', 'pc']);

    // Turns of 5: the pool rule (no caps, equal pull) lets each take new phones; each row once.
    const sentBy = new Map<string, string>();
    for (let turn = 0; turn < 4; turn++) {
      for (const d of pool)
        for (const p of await claimAndAccept(d, 5)) {
          expect(sentBy.has(p)).toBe(false);
          sentBy.set(p, d);
        }
    }
    expect([...sentBy.keys()].sort()).toEqual([...list].sort());
    for (const d of pool) expect([...sentBy.values()].filter((x) => x === d).length).toBeGreaterThan(0);
    const senders = await rows<{ phone_number: string; device: string }>(db.db, sql`SELECT phone_number, device FROM phone_senders`);
    expect(new Map(senders.map((s) => [s.phone_number, s.device]))).toEqual(sentBy);

    // A second blast over the same pool plus 6 new phones: the old phones are assigned at creation.
    const fresh = phones(6, 100);
    const second = await pooledBlast([...list, ...fresh], 'pa', ['pb', 'pc']);
    const assigned = await deviceOf(second);
    for (const p of list) expect(assigned.get(p)).toBe(sentBy.get(p));
    for (const p of fresh) expect(assigned.get(p)).toBeNull();

    // pb is held (gateway trouble): it takes no new phones while pa and pc run; its own phones wait.
    await holdDevice(db.db, 'pb', {
      kind: 'device_unavailable',
      reason: 'Device is not connected',
      backoffMs: 2000,
      waitMs: 60_000,
      probeRefused: false,
    });
    // pc is paused: it claims nothing at all, not even its own phones.
    await pauseDevice(db.db, 'pc', 'paused by hand');
    expect(await claimRecipients(db.db, 'pc', 'eng-pc', 50)).toEqual([]);
    const paClaimed = await claimAndAccept('pa', 50);
    const paOwn = list.filter((p) => sentBy.get(p) === 'pa');
    expect(paClaimed.sort()).toEqual([...paOwn, ...fresh].sort());
    // pb, held, may still probe with one of its own phones.
    const [probe] = await claimRecipients(db.db, 'pb', 'eng-pb', 1);
    expect(sentBy.get(probe!.phone_number)).toBe('pb');
    await storeSettled(db.db, 'eng-pb', [{ id: probe!.id, kind: 'retry', reason: 'offline', delayMs: 0, spendAttempt: false }]);
    // Requeued unsent, yet still pb's: pb messaged that phone in the first blast.
    expect((await deviceOf(second)).get(probe!.phone_number)).toBe('pb');

    // pb disabled: its queued phones were never sent by it IN THIS BLAST — they move to the rest of the pool.
    await db.db.execute(sql`UPDATE devices SET enabled = false WHERE id = 'pb'`);
    const moved = await releaseQueued(db.db, 'pb');
    expect(moved).toBe(list.filter((p) => sentBy.get(p) === 'pb').length);
    const taken = await claimAndAccept('pa', 50);
    expect(taken.sort()).toEqual(list.filter((p) => sentBy.get(p) === 'pb').sort());
    // pc's phones still wait for pc; resumed, it sends them.
    expect(await claimRecipients(db.db, 'pa', 'eng-pa', 50)).toEqual([]);
    await resumeDevice(db.db, 'pc');
    expect((await claimAndAccept('pc', 50)).sort()).toEqual(list.filter((p) => sentBy.get(p) === 'pc').sort());
    // The phone_senders table still names each phone's FIRST sender.
    const after = await rows<{ n: number }>(db.db, sql`SELECT count(*)::int AS n FROM phone_senders WHERE device = 'pb'`);
    expect(after[0]!.n).toBe(list.filter((p) => sentBy.get(p) === 'pb').length);
  });

  it('new phones go to the device with the most room under its daily cap', async () => {
    for (const d of ['ca', 'cb']) expect(await acquireLease(db.db, d, `eng-${d}`)).not.toBeNull();
    await db.db.execute(sql`UPDATE devices SET daily_cap = 100 WHERE id IN ('ca', 'cb')`);
    // ca already sent 40 today, cb 10: cb has more room.
    await db.db.execute(sql`INSERT INTO device_daily_counts (device, day, sent)
                            VALUES ('ca', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD'), 40), ('cb', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD'), 10)`);
    await pooledBlast(phones(60, 500), 'ca', ['cb']);
    expect(await claimRecipients(db.db, 'ca', 'eng-ca', 5)).toEqual([]);
    // cb takes phones until its count comes within the slack of ca's; then both take turns.
    let cbSent = 0;
    while ((await claimAndAccept('cb', 5)).length > 0) cbSent += 5;
    // cb stops once it is more than the slack ahead of ca: 10 + 40 = 50 > 40 + 5.
    expect(cbSent).toBe(40);
    expect((await claimAndAccept('ca', 5)).length).toBe(5);
  });

  it('concurrent claims by the pool never hand one row to two devices', async () => {
    const pool = ['ka', 'kb', 'kc'];
    for (const d of pool) expect(await acquireLease(db.db, d, `eng-${d}`)).not.toBeNull();
    const list = phones(90, 900);
    await pooledBlast(list, 'ka', ['kb', 'kc']);
    const claimed = await Promise.all(pool.flatMap((d) => [1, 2, 3].map(() => claimRecipients(db.db, d, `eng-${d}`, 10))));
    const ids = claimed.flat().map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
