import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/client.ts';
import { bigintArray, textArray } from '../../src/db/statusSql.ts';
import { applyInbound } from '../../src/track/applyInbound.ts';
import { applyStatusEvents } from '../../src/track/applyStatusEvents.ts';
import { PROGRESS, REPLY_MOVES, STATUSES, type Status, canAdvance, canFail } from '../../src/domain/status.ts';
import { type TestDb, createTestDatabase } from '../helpers/testDatabase.ts';

/**
 * The status rules are written once, in src/domain/status.ts; the SQL that enforces them is generated
 * from it (src/db/statusSql.ts). This runs every (status, event) pair through the real UPDATEs and
 * checks the database agrees with the pure rule, so the two cannot drift.
 */
let db: TestDb;
let blastId: number;

beforeAll(async () => {
  db = await createTestDatabase();
  [{ id: blastId }] = (await rows<{ id: number }>(db.db, sql`INSERT INTO blasts (message, device) VALUES ('x', 'd') RETURNING id`)) as [
    { id: number },
  ];
});
afterAll(() => db?.close());

let seq = 0;
async function recipientIn(status: Status): Promise<{ id: number; mid: string; phone: string }> {
  seq++;
  const mid = `mid-${seq}`;
  const phone = `+60123${String(seq).padStart(6, '0')}`;
  const [r] = await rows<{ id: number }>(
    db.db,
    sql`INSERT INTO blast_recipients (blast_id, phone_number, status, message_id, sent_at, claimed_at)
        VALUES (${blastId}, ${phone}, ${status}, ${mid}, now(), now()) RETURNING id`,
  );
  return { id: r!.id, mid, phone };
}
const statusOf = async (id: number) =>
  (await rows<{ status: Status }>(db.db, sql`SELECT status FROM blast_recipients WHERE id = ${id}`))[0]!.status;

describe('the monotonic update agrees with canAdvance and canFail', () => {
  for (const from of STATUSES) {
    it(`from ${from}`, async () => {
      for (const to of PROGRESS) {
        const r = await recipientIn(from);
        await db.db.transaction((tx) => applyStatusEvents(tx, [{ messageId: r.mid, status: to }]));
        expect(await statusOf(r.id), `${from} + ${to}`).toBe(canAdvance(from, to) ? to : from);
      }
      const r = await recipientIn(from);
      await db.db.transaction((tx) => applyStatusEvents(tx, [{ messageId: r.mid, status: 'ERROR', reason: 'refused' }]));
      expect(await statusOf(r.id), `${from} + ERROR`).toBe(canFail(from) ? 'FAILED' : from);
    });
  }
});

describe('a reply moves exactly the statuses REPLY_MOVES names', () => {
  for (const from of STATUSES) {
    it(`from ${from}`, async () => {
      const r = await recipientIn(from);
      await db.db.transaction((tx) => applyInbound(tx, { phone: r.phone, text: 'hi', payload: {} }, 72));
      expect(await statusOf(r.id)).toBe(REPLY_MOVES.includes(from) ? 'REPLIED' : from);
    });
  }
});

describe('array parameters', () => {
  it('keep commas, quotes, braces and backslashes as data', async () => {
    const values = ['a,b', 'c"d', '{e}', 'f\\g', ''];
    const got = await rows<{ v: string }>(db.db, sql`SELECT unnest(${textArray(values)}) AS v`);
    expect(got.map((g) => g.v)).toEqual(values);
    const ids = await rows<{ v: number }>(db.db, sql`SELECT unnest(${bigintArray([1, 22, 333])})::int AS v`);
    expect(ids.map((g) => g.v)).toEqual([1, 22, 333]);
  });
});
