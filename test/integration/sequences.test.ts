import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/client.ts';
import { type Clock, systemClock } from '../../src/util/clock.ts';
import { createDueStep } from '../../src/sequences/createDueStep.ts';
import { silentLogger } from '../../src/log.ts';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { QUIET_PHONES } from '../helpers/quietPhones.ts';
import { runCli } from '../helpers/runCli.ts';
import { type TestApp, eventually, startTestApp } from '../helpers/testApp.ts';

/**
 * Sequences (issue 14) through the API, the engine and the simulator. Time is the engine's
 * injected clock: a step due in a day is made due by moving the clock, never by waiting, and
 * every reply, STOP and read is a webhook the test posts, so who is in each segment when a step
 * falls due is decided by the test alone.
 */

/** The engine's clock: real time plus an offset the test moves forward. */
class TestClock implements Clock {
  offset = 0;
  now = (): number => Date.now() + this.offset;
  sleep = systemClock.sleep;
  /** Moves the clock to `iso` (plus a second), or leaves it where it is if that has passed. */
  moveTo(iso: string): void {
    this.offset = Math.max(this.offset, new Date(iso).getTime() + 1000 - Date.now());
  }
}

const DAY = 86_400;
const phones = (n: number, start = 0) => Array.from({ length: n }, (_, i) => `+6013${String(5_000_001 + start + i)}`);
// The simulator refuses numbers ending 0000 as not on WhatsApp: this one's message FAILS.
const FAILING = '+60135990000';
const QUIET_SIM = { ...QUIET_PHONES, deliverDelayMs: [1, 10] as [number, number] };

// One app for the file (its start is the slow part); the tests use their own numbers and blasts,
// and share the engine's clock, which only ever moves forward.
let app: TestApp | null = null;
const clock = new TestClock();
beforeAll(async () => {
  app = await startTestApp({ POLL_MODE: 'off' }, QUIET_SIM, { clock });
}, 180_000);
afterAll(async () => {
  await app?.close();
});

const hook = (a: TestApp, body: unknown) => a.api('POST', `/webhooks/wsapme?token=${encodeURIComponent(a.config.webhookSecret!)}`, body);

async function recipientsOf(a: TestApp, blastId: number) {
  return rows<{ id: number; phone_number: string; status: string; message_id: string | null }>(
    a.db.db,
    sql`SELECT id, phone_number, status, message_id FROM blast_recipients WHERE blast_id = ${blastId} ORDER BY phone_number`,
  );
}

/** Until the blast is completed and every sent message's delivery ack is in. */
async function settled(a: TestApp, blastId: number): Promise<void> {
  await eventually(async () => {
    const b = (await a.api('GET', `/api/blasts/${blastId}`)).body;
    return b.state === 'completed' && b.report.received === b.report.sent;
  }, 30_000);
}

async function read(a: TestApp, blastId: number, who: string[]): Promise<void> {
  const rs = (await recipientsOf(a, blastId)).filter((r) => who.includes(r.phone_number));
  for (const r of rs) expect((await hook(a, { messageId: r.message_id, status: 'READ' })).status).toBe(200);
  await eventually(
    async () =>
      (await recipientsOf(a, blastId)).filter((r) => who.includes(r.phone_number) && r.status === 'READ_ACK').length === who.length,
  );
}

/** Replies (STOP among them) from these numbers, applied before the function returns. */
async function reply(a: TestApp, who: string[], text: string): Promise<void> {
  for (const phone of who) expect((await hook(a, { event: 'message', from: phone, message: text })).status).toBe(200);
  await eventually(async () => {
    const [n] = await rows<{ n: number }>(
      a.db.db,
      sql`SELECT count(DISTINCT phone_number)::int AS n FROM inbound_messages WHERE phone_number = ANY(${`{${who.join(',')}}`}::text[]) AND text = ${text}`,
    );
    return n!.n === who.length;
  });
}

async function stepOf(a: TestApp, root: number, position: number) {
  return (await a.api('GET', `/api/blasts/${root}/sequence`)).body.steps[position - 1];
}

const sorted = (xs: string[]) => [...xs].sort();

describe('sequences', () => {
  it('a 2-step sequence: each step goes exactly to who is in its segment when it falls due; replies, STOPs, failures and closes leave; the chain report matches the rows', async () => {
    if (!app) throw new Error('no app');
    const everyone = [...phones(24), FAILING];
    const created = await app.api('POST', '/api/blasts', {
      message: 'Hi {{name|there}}',
      follow_up_stage: 'Initial',
      blast_tag: 'Launch',
      recipients: everyone.map((phone, i) => ({ phone, name: `P${i}` })),
    });
    const root = created.body.blast_id as number;
    const put = await app.api('PUT', `/api/blasts/${root}/sequence`, {
      steps: [
        { segment: 'not_replied', delay_seconds: DAY, message: 'Still there, {{name|friend}}?', follow_up_stage: 'Follow-up 1' },
        { segment: 'read_not_replied', delay_seconds: 2 * DAY, message: 'Last call, {{name}}', follow_up_stage: 'Follow-up 2' },
      ],
    });
    expect(put.status).toBe(201);
    expect(put.body).toMatchObject({ blast_id: root, state: 'running', waiting_for_blast_id: root, members: { total: 25, active: 25 } });
    expect(put.body.steps.map((s: { state: string; due_at: string | null }) => [s.state, s.due_at])).toEqual([
      ['waiting', null],
      ['waiting', null],
    ]);

    await app.api('POST', `/api/blasts/${root}/send`);
    await settled(app, root);
    // Before step 1 falls due: 8 read it, 4 reply (one of them had read), 2 send STOP.
    await read(app, root, everyone.slice(0, 8));
    await reply(app, everyone.slice(7, 11), 'Interested!');
    await reply(app, everyone.slice(11, 13), 'STOP');

    const step1Due = (await eventually(async () => (await stepOf(app!, root, 1)).due_at as string | null)) as string;
    const rootBlast = (await app.api('GET', `/api/blasts/${root}`)).body;
    expect(new Date(step1Due).getTime()).toBe(new Date(rootBlast.completed_at).getTime() + DAY * 1000);
    // A second before it is due, no engine creates it.
    const opts = { limits: { region: 'MY', maxRecipients: 1000 }, log: silentLogger };
    expect(await createDueStep(app.db.db, new Date(new Date(step1Due).getTime() - 1000), opts)).toBeNull();

    const inStep1 = (await recipientsOf(app, root))
      .filter((r) => ['PENDING', 'DELIVERY_ACK', 'READ_ACK'].includes(r.status))
      .map((r) => r.phone_number);
    expect(inStep1).toHaveLength(25 - 1 - 4 - 2);
    clock.moveTo(step1Due);
    await eventually(async () => (await stepOf(app!, root, 1)).state === 'created');
    const s1 = await stepOf(app, root, 1);
    expect(s1).toMatchObject({ state: 'created', recipients: inStep1.length, due_at: step1Due });
    const step1Blast = (await app.api('GET', `/api/blasts/${s1.blast_id}`)).body;
    expect(step1Blast).toMatchObject({
      parent_blast_id: root,
      segment: 'not_replied',
      follow_up_stage: 'Follow-up 1',
      tag: 'Launch',
      device: rootBlast.device,
    });
    expect(sorted((await recipientsOf(app, s1.blast_id)).map((r) => r.phone_number))).toEqual(sorted(inStep1));

    await settled(app, s1.blast_id);
    // The variables of the root recipients fill the step's template.
    const texts = app.simulator!.messages().filter((m) => m.text.startsWith('Still there'));
    expect(texts).toHaveLength(inStep1.length);
    expect(texts.every((m) => /^Still there, P\d+\?$/.test(m.text))).toBe(true);

    // Before step 2: 9 read step 1; of those 2 reply, 1 sends STOP, 1 is closed by a person; one who did not read replies.
    const readers = inStep1.slice(0, 9);
    await read(app, s1.blast_id, readers);
    await reply(app, readers.slice(0, 2), 'How much?');
    await reply(app, [readers[2]!], 'stop');
    const closedRow = (await recipientsOf(app, s1.blast_id)).find((r) => r.phone_number === readers[3])!;
    expect((await app.api('POST', `/api/recipients/${closedRow.id}/close`, { outcome: 'won' })).status).toBe(200);
    await reply(app, [inStep1[12]!], 'ok');
    const inStep2 = readers.slice(4);

    const step2Due = (await eventually(async () => (await stepOf(app!, root, 2)).due_at as string | null)) as string;
    clock.moveTo(step2Due);
    await eventually(async () => (await stepOf(app!, root, 2)).state === 'created');
    const s2 = await stepOf(app, root, 2);
    expect(sorted((await recipientsOf(app, s2.blast_id)).map((r) => r.phone_number))).toEqual(sorted(inStep2));
    await settled(app, s2.blast_id);

    const seq = (await app.api('GET', `/api/blasts/${root}/sequence`)).body;
    expect(seq.state).toBe('completed');
    expect(seq.members).toMatchObject({
      total: 25,
      active: 0,
      left: { failed: 1, opted_out: 3, replied: 4 + 2 + 1, closed: 1, finished: inStep2.length + (inStep1.length - 9 - 1) },
    });

    // No phone twice in any step, and each phone got exactly the messages of the stages it was in.
    const chain = [root, s1.blast_id as number, s2.blast_id as number];
    const doubles = await rows(
      app.db.db,
      sql`SELECT blast_id, phone_number FROM blast_recipients WHERE blast_id = ANY(${`{${chain.join(',')}}`}::bigint[]) GROUP BY 1, 2 HAVING count(*) > 1`,
    );
    expect(doubles).toEqual([]);
    const tally = app.simulator!.tally();
    const digits = (p: string) => p.replace('+', '');
    for (const p of everyone) {
      const expected = (p === FAILING ? 0 : 1) + (inStep1.includes(p) ? 1 : 0) + (inStep2.includes(p) ? 1 : 0);
      expect(tally[digits(p)] ?? tally[p] ?? 0, p).toBe(expected);
    }

    // The chain report equals a count of the rows.
    const report = (await app.api('GET', `/api/blasts/${root}/sequence/report`)).body;
    const repliedSoFar = new Set<string>();
    const expectedStages = [];
    for (const [position, blastId] of chain.entries()) {
      const rs = await recipientsOf(app, blastId);
      const progress = rs.filter((r) => ['PENDING', 'DELIVERY_ACK', 'READ_ACK', 'REPLIED', 'CLOSED'].includes(r.status));
      const replied = rs.filter((r) => ['REPLIED', 'CLOSED'].includes(r.status));
      for (const r of replied) repliedSoFar.add(r.phone_number);
      expectedStages.push({
        position,
        blast_id: blastId,
        sent: progress.length,
        read: progress.filter((r) => r.status !== 'PENDING' && r.status !== 'DELIVERY_ACK').length,
        replied: replied.length,
        cumulative_replied: repliedSoFar.size,
        cumulative_reply_rate: Math.round((repliedSoFar.size / 24) * 10_000) / 10_000,
      });
    }
    expect(report).toMatchObject({ blast_id: root, original_recipients: 25, sent: 24, replied: repliedSoFar.size, stages: expectedStages });
    // Root: 4 replies and 2 STOPs; step 1: 2 replies, a STOP, the one closed and the late 'ok'.
    expect(report.replied).toBe(4 + 2 + 2 + 1 + 1 + 1);
  }, 300_000);

  it('edits change only steps not yet created; pause holds, resume creates; a newer sequence takes a phone over; cancel; bad input is refused', async () => {
    if (!app) throw new Error('no app');
    const a = phones(6, 100);
    const root = (await app.api('POST', '/api/blasts', { message: 'A', recipients: a })).body.blast_id as number;

    // Bad input.
    const bad = async (body: unknown, field: string) => {
      const r = await app!.api('PUT', `/api/blasts/${root}/sequence`, body);
      expect(r.status, JSON.stringify(r.body)).toBe(400);
      expect(r.body.error.details[0].field).toBe(field);
      return r.body.error.message as string;
    };
    expect(await bad({ steps: [{ segment: 'failed', delay_seconds: 60, message: 'x' }] }, 'steps.0.segment')).toMatch(
      /a reply or a failure ends a sequence/,
    );
    await bad({ steps: [{ segment: 'not_replied', delay_seconds: -1, message: 'x' }] }, 'steps.0.delay_seconds');
    await bad({ steps: [{ segment: 'not_replied', delay_seconds: 1.5, message: 'x' }] }, 'steps.0.delay_seconds');
    await bad({ steps: [{ segment: 'not_replied', delay_seconds: 60, message: '  ' }] }, 'steps.0.message');
    await bad({ steps: [] }, 'steps');
    await bad({ steps: [{ segment: 'not_replied', delay_seconds: 60, message: 'x', delay: 3 }] }, 'delay');
    expect(
      (await app.api('PUT', '/api/blasts/999999/sequence', { steps: [{ segment: 'not_replied', delay_seconds: 60, message: 'x' }] }))
        .status,
    ).toBe(404);
    expect((await app.api('GET', `/api/blasts/${root}/sequence`)).status).toBe(404);
    expect((await app.api('POST', `/api/blasts/${root}/sequence/pause`)).status).toBe(404);

    const one = { segment: 'not_replied', delay_seconds: DAY, message: 'One', follow_up_stage: 'F1' };
    // Each delay far beyond the ones before it: moving the clock to one step's due time never makes the next one due.
    const two = { segment: 'not_replied', delay_seconds: 10 * DAY, message: 'Two', follow_up_stage: 'F2' };
    expect((await app.api('PUT', `/api/blasts/${root}/sequence`, { steps: [one, two] })).status).toBe(201);
    // Nothing created yet: everything may change.
    const edited = await app.api('PUT', `/api/blasts/${root}/sequence`, { steps: [{ ...one, message: 'One!' }, two] });
    expect(edited.status).toBe(200);
    expect(edited.body.steps.map((s: { message: string }) => s.message)).toEqual(['One!', 'Two']);

    await app.api('POST', `/api/blasts/${root}/send`);
    await settled(app, root);
    clock.moveTo((await eventually(async () => (await stepOf(app!, root, 1)).due_at)) as string);
    await eventually(async () => (await stepOf(app!, root, 1)).state === 'created');

    // Step 1 is history now.
    const refused = await app.api('PUT', `/api/blasts/${root}/sequence`, { steps: [{ ...one, message: 'Changed' }, two] });
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/step 1 was already created/);
    expect((await app.api('PUT', `/api/blasts/${root}/sequence`, { steps: [] })).status).toBe(400);
    const keep = await app.api('PUT', `/api/blasts/${root}/sequence`, {
      steps: [
        { ...one, message: 'One!' },
        { ...two, message: 'Two, edited' },
        { ...two, delay_seconds: 100 * DAY, message: 'Three' },
      ],
    });
    expect(keep.status).toBe(200);
    expect(keep.body.steps.map((s: { message: string; state: string }) => [s.message, s.state])).toEqual([
      ['One!', 'created'],
      ['Two, edited', 'waiting'],
      ['Three', 'waiting'],
    ]);

    // A newer sequence takes two phones over while this one runs.
    const b = [a[0]!, a[1]!, ...phones(2, 200)];
    const rootB = (await app.api('POST', '/api/blasts', { message: 'B', recipients: b })).body.blast_id as number;
    expect((await app.api('PUT', `/api/blasts/${rootB}/sequence`, { steps: [two] })).status).toBe(201);
    const older = (await app.api('GET', `/api/blasts/${root}/sequence`)).body;
    expect(older.members).toMatchObject({ total: 6, active: 4, left: { taken_over: 2 }, taken_over_by: [{ blast_id: rootB, members: 2 }] });
    const [owners] = await rows<{ n: number }>(
      app.db.db,
      sql`SELECT count(*)::int AS n FROM sequence_members WHERE left_at IS NULL AND phone_number = ${a[0]!}`,
    );
    expect(owners!.n).toBe(1);

    // Paused: step 2 falls due but no engine creates it; everyone stays at step 1.
    const step1 = await stepOf(app, root, 1);
    await settled(app, step1.blast_id);
    expect((await app.api('POST', `/api/blasts/${root}/sequence/pause`)).body).toEqual({ success: true, state: 'paused' });
    expect((await app.api('POST', `/api/blasts/${root}/sequence/pause`)).status).toBe(409);
    const due2 = (await eventually(async () => (await stepOf(app!, root, 2)).due_at)) as string;
    clock.moveTo(due2);
    const opts = { limits: { region: 'MY', maxRecipients: 1000 }, log: silentLogger };
    expect(await createDueStep(app.db.db, new Date(clock.now()), opts)).toBeNull();
    expect((await stepOf(app, root, 2)).state).toBe('waiting');
    expect((await app.api('POST', `/api/blasts/${root}/sequence/resume`)).body.state).toBe('running');
    await eventually(async () => (await stepOf(app!, root, 2)).state === 'created');
    const step2 = await stepOf(app, root, 2);
    // The two taken over are no longer this sequence's.
    expect(sorted((await recipientsOf(app, step2.blast_id)).map((r) => r.phone_number))).toEqual(sorted(a.slice(2)));

    // Cancel: the step not yet created is cancelled, members are free.
    expect((await app.api('POST', `/api/blasts/${root}/sequence/cancel`)).body.state).toBe('cancelled');
    expect((await app.api('POST', `/api/blasts/${root}/sequence/cancel`)).status).toBe(409);
    const cancelled = (await app.api('GET', `/api/blasts/${root}/sequence`)).body;
    expect(cancelled.steps.map((s: { state: string }) => s.state)).toEqual(['created', 'created', 'cancelled']);
    expect(cancelled.members.active).toBe(0);
    expect((await app.api('PUT', `/api/blasts/${root}/sequence`, { steps: [one] })).status).toBe(409);

    // The CLI, as a user runs it, on the same server.
    const wablast = (...args: string[]) => runCli(app!.url, ...args);
    const shown = await wablast('sequence', 'show', String(root));
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(new RegExp(`^Sequence of blast #${root} · cancelled\n`));
    expect(shown.stdout).toMatch(/^ *1 +not_replied +1d +F1 +created/m);
    expect(shown.stdout).toMatch(/^ *3 +not_replied +100d +F2 +cancelled/m);
    expect(shown.stdout).toContain(`2 taken over by the sequence of blast #${rootB}`);
    const added = await wablast(
      'sequence',
      'add',
      String(rootB),
      '--segment',
      'read_not_replied',
      '--delay',
      '1d12h',
      '--message',
      'Still keen?',
      '--stage',
      'F3',
    );
    expect(added.code, added.stderr).toBe(0);
    expect(added.stdout).toContain(`Step 2 added to the sequence of blast #${rootB}.`);
    expect(added.stdout).toMatch(/^ *2 +read_not_replied +1d12h +F3 +waiting/m);
    const dir = await mkdtemp(join(tmpdir(), 'wablast-seq-'));
    try {
      await writeFile(join(dir, 'steps.json'), JSON.stringify([{ segment: 'not_replied', delay: '90m', message: 'Only one' }]));
      const set = await wablast('--json', 'sequence', 'set', String(rootB), '--file', join(dir, 'steps.json'));
      expect(set.code, set.stderr).toBe(0);
      expect(JSON.parse(set.stdout).steps).toMatchObject([{ position: 1, delay_seconds: 5400, message: 'Only one', state: 'waiting' }]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    expect((await wablast('sequence', 'pause', String(rootB))).stdout).toBe(`The sequence of blast #${rootB} is paused.\n`);
    const again = await wablast('sequence', 'pause', String(rootB));
    expect(again.code).toBe(1);
    expect(again.stderr).toBe('error: Cannot pause a sequence that is paused\n');
    const badDelay = await wablast('sequence', 'add', String(rootB), '--segment', 'not_replied', '--delay', '12', '--message', 'x');
    expect(badDelay.code).toBe(1);
    expect(badDelay.stderr).toMatch(/a delay such as 90m, 36h, 2d or 1d12h/);
    const report = await wablast('sequence', 'report', String(root));
    expect(report.code, report.stderr).toBe(0);
    expect(report.stdout).toMatch(new RegExp(`^Blast #${root}: 0 of 6 sent replied at some step \\(0\\.0%\\)\\.\n`));
    expect(report.stdout).toMatch(/^root +\d+ +6 +0 +0 +0 +0\.0%$/m);
    expect(report.stdout).toMatch(/^step 2 +\d+ +F2 +4 +0 +0 +0 +0\.0%$/m);
  }, 300_000);
});
