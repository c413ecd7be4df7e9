import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBlast } from '../../src/blasts/createBlast.ts';
import { sendBlast } from '../../src/blasts/lifecycle.ts';
import { claimRecipients } from '../../src/send/claimRecipients.ts';
import { acquireLease } from '../../src/send/deviceLease.ts';
import { type TestDb, createTestDatabase } from '../helpers/testDatabase.ts';

let db: TestDb;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.close();
});

describe('the claim', () => {
  it('claims only for the engine holding the device lease, oldest first, each row once', async () => {
    const recipients = Array.from({ length: 5 }, (_, i) => ({ phone: `+6013900000${i + 1}`, vars: {} }));
    const created = await createBlast(
      db.db,
      { tag: null, message: 'x', followUpStage: null, scheduledAt: null, device: 'dev-claim', recipients, dryRun: false },
      { region: 'MY', maxRecipients: 100 },
    );
    await sendBlast(db.db, created.blast_id!);
    expect(await claimRecipients(db.db, 'dev-claim', 'engine-a', 10)).toEqual([]); // no lease, no claim
    expect(await acquireLease(db.db, 'dev-claim', 'engine-a')).not.toBeNull();
    expect(await acquireLease(db.db, 'dev-claim', 'engine-b')).toBeNull();
    expect(await claimRecipients(db.db, 'dev-claim', 'engine-b', 10)).toEqual([]); // someone else's device
    const first = await claimRecipients(db.db, 'dev-claim', 'engine-a', 3);
    const rest = await claimRecipients(db.db, 'dev-claim', 'engine-a', 10);
    expect(first.map((c) => c.phone_number).sort()).toEqual(['+60139000001', '+60139000002', '+60139000003']);
    expect(rest.map((c) => c.phone_number).sort()).toEqual(['+60139000004', '+60139000005']);
    expect(await claimRecipients(db.db, 'dev-claim', 'engine-a', 10)).toEqual([]);
  });
});
