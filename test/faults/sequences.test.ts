import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { createBlast } from '../../src/blasts/createBlast.ts';
import { openDatabase, rows } from '../../src/db/client.ts';
import { silentLogger } from '../../src/log.ts';
import { createDueStep } from '../../src/sequences/createDueStep.ts';
import { SequenceScheduler } from '../../src/sequences/sequenceScheduler.ts';
import { systemClock } from '../../src/util/clock.ts';
import { putSequence } from '../../src/sequences/putSequence.ts';
import { QUIET_PHONES } from '../helpers/quietPhones.ts';
import { printFigures } from './support/promise.ts';
import { type WablastProcess, api, logLines, phones, sleep } from './support/processes.ts';
import { Rig, WEBHOOK_SECRET } from './support/rig.ts';

/**
 * Exactly once, from the outside: a sequence's step blast is created in one transaction, so an
 * engine SIGKILLed inside that transaction leaves nothing behind and the next engine creates the
 * step whole, and two engines at once create it once. SEQUENCE_CREATE_HOLD_MS makes an engine
 * hold the transaction open (the blast and its recipients inserted, the step not yet marked)
 * and log it, so the kill lands exactly there rather than by luck.
 */
const HELD = 'sequence step held open before commit (SEQUENCE_CREATE_HOLD_MS)';
const N = 40;

let rig: Rig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

describe('sequences: exactly once under SIGKILL and two engines', () => {
  it('killed twice inside the step transaction, then two engines racing for each step: every step once, to exactly its segment', async () => {
    const started = Date.now();
    rig = await Rig.start({
      env: { SEND_RATE: '50', SEND_BURST: '5', LEASE_SECONDS: '3' },
      sim: { ...QUIET_PHONES, deliverDelayMs: [5, 50] },
    });
    const r = rig;
    const apiProc = await r.spawn('api');
    const hook = async (body: unknown) =>
      expect((await api(apiProc.url, 'POST', `/webhooks/wsapme?token=${WEBHOOK_SECRET}`, body)).status).toBe(200);
    const statusOf = async (blastId: number) =>
      rows<{ id: number; phone_number: string; status: string; message_id: string }>(
        r.db.db,
        sql`SELECT id, phone_number, status, message_id FROM blast_recipients WHERE blast_id = ${blastId} ORDER BY phone_number`,
      );
    const until = (what: string, check: () => Promise<boolean>) => r.until(what, check);
    const delivered = (blastId: number) =>
      until(`blast ${blastId} delivered`, async () =>
        (await statusOf(blastId)).every((x) => x.status !== 'PENDING' && x.status !== 'SENDING' && x.status !== 'QUEUED'),
      );
    const step = async (position: number) => {
      const [s] = await rows<{ id: number; state: string; blast_id: number | null }>(
        r.db.db,
        sql`SELECT id, state, blast_id FROM sequence_steps WHERE position = ${position}`,
      );
      return s!;
    };
    const readAndReply = async (blastId: number, readers: string[], repliers: string[], stoppers: string[]) => {
      for (const x of (await statusOf(blastId)).filter((x) => readers.includes(x.phone_number)))
        await hook({ messageId: x.message_id, status: 'READ' });
      for (const p of repliers) await hook({ event: 'message', from: p, message: 'Interested' });
      for (const p of stoppers) await hook({ event: 'message', from: p, message: 'STOP' });
      await until('reads and replies applied', async () => {
        const now = await statusOf(blastId);
        return (
          readers.every((p) => now.find((x) => x.phone_number === p)?.status !== 'DELIVERY_ACK') &&
          [...repliers, ...stoppers].every((p) => now.find((x) => x.phone_number === p)?.status === 'REPLIED')
        );
      });
    };

    let engine: WablastProcess = await r.spawn('engine', { SEQUENCE_CREATE_HOLD_MS: '120000' });
    const list = phones(N, 70_000);
    const created = await api(apiProc.url, 'POST', '/api/blasts', { message: 'Hi', recipients: list });
    const root = created.body.blast_id as number;
    const put = (steps: unknown[]) => api(apiProc.url, 'PUT', `/api/blasts/${root}/sequence`, { steps });
    const s1 = { segment: 'not_replied', delay_seconds: 1, message: 'S1', follow_up_stage: 'Follow-up 1' };
    const s2 = { segment: 'read_not_replied', delay_seconds: 30 * 86_400, message: 'S2', follow_up_stage: 'Follow-up 2' };
    expect((await put([s1, s2])).status).toBe(201);
    // Paused before the root is even sent: the replies below are all in before step 1 can fall due.
    expect((await api(apiProc.url, 'POST', `/api/blasts/${root}/sequence/pause`)).status).toBe(200);
    expect((await api(apiProc.url, 'POST', `/api/blasts/${root}/send`)).status).toBe(200);
    await r.waitCompleted([root], 60_000);
    await delivered(root);
    await readAndReply(root, list.slice(0, 10), list.slice(8, 12), list.slice(12, 14));
    const expected1 = (await statusOf(root))
      .filter((x) => x.status === 'DELIVERY_ACK' || x.status === 'READ_ACK')
      .map((x) => x.phone_number);
    expect(expected1).toHaveLength(N - 6);

    // Step 1 falls due; the engine holds its transaction open and is killed there — twice.
    expect((await api(apiProc.url, 'POST', `/api/blasts/${root}/sequence/resume`)).status).toBe(200);
    const kills: number[] = [];
    for (let k = 0; k < 2; k++) {
      await until('engine inside the step transaction', async () => logLines(engine, HELD).length > 0);
      // Inside the open transaction the blast and its recipients exist; from outside, nothing does.
      expect((await step(1)).state).toBe('waiting');
      const [visible] = await rows<{ n: number }>(r.db.db, sql`SELECT count(*)::int AS n FROM blasts WHERE sequence_step_id IS NOT NULL`);
      expect(visible!.n).toBe(0);
      engine.kill('SIGKILL');
      await engine.exited;
      kills.push(engine.pid);
      if (k === 0) engine = await r.spawn('engine', { SEQUENCE_CREATE_HOLD_MS: '120000' });
    }
    expect((await step(1)).state).toBe('waiting');
    expect(r.sim.messages().filter((m) => m.text === 'S1')).toHaveLength(0);

    // Two engines at once, each holding its step transaction for 2 s: whichever claims a step
    // first creates it; the other skips it while it is held and finds it created afterwards.
    const racers = await Promise.all([
      r.spawn('engine', { SEQUENCE_CREATE_HOLD_MS: '2000' }),
      r.spawn('engine', { SEQUENCE_CREATE_HOLD_MS: '2000' }),
    ]);
    await until('step 1 created', async () => (await step(1)).state === 'created');
    const b1 = (await step(1)).blast_id!;
    expect((await statusOf(b1)).map((x) => x.phone_number).sort()).toEqual([...expected1].sort());
    await r.waitCompleted([b1], 60_000);
    await delivered(b1);

    // Step 2 (read, not replied): 10 read step 1; 2 of them reply and 1 sends STOP.
    const readers = expected1.slice(0, 10);
    await readAndReply(b1, readers, readers.slice(0, 2), readers.slice(2, 3));
    const expected2 = readers.slice(3);
    // An edit of the step not yet created brings it forward; step 1 is repeated unchanged.
    expect((await put([s1, { ...s2, delay_seconds: 1 }])).status).toBe(200);
    await until('step 2 created', async () => (await step(2)).state === 'created');
    const b2 = (await step(2)).blast_id!;
    expect((await statusOf(b2)).map((x) => x.phone_number).sort()).toEqual([...expected2].sort());
    await r.waitCompleted([b2], 60_000);

    // Exactly once: one blast per step, and the gateway got each step's message once per member.
    const stepBlasts = await rows<{ sequence_step_id: number; n: number }>(
      r.db.db,
      sql`SELECT sequence_step_id, count(*)::int AS n FROM blasts WHERE sequence_step_id IS NOT NULL GROUP BY 1`,
    );
    expect(stepBlasts.map((s) => s.n)).toEqual([1, 1]);
    const sent = (text: string) =>
      r.sim
        .messages()
        .filter((m) => m.text === text)
        .map((m) => `+${m.to.replace(/\D/g, '')}`);
    expect(sent('S1').sort()).toEqual([...expected1].sort());
    expect(sent('S2').sort()).toEqual([...expected2].sort());
    expect(sent('Hi').sort()).toEqual([...list].sort());
    // The racers: each step was entered by exactly one of them.
    const held = racers.flatMap((e) => logLines(e, HELD).map((l) => l.step as number));
    expect(held.sort()).toEqual([1, 2]);
    const seq = (await api(apiProc.url, 'GET', `/api/blasts/${root}/sequence`)).body;
    expect(seq.state).toBe('completed');
    printFigures('sequences', {
      kills: kills.length,
      racers: racers.length,
      step1: expected1.length,
      step2: expected2.length,
      heldBy: racers.map((e) => logLines(e, HELD).map((l) => l.step)),
      seconds: Math.round((Date.now() - started) / 1000),
    });
  });

  it('two engines claim one due step at the same moment: the one inside creates it, the other skips it and then finds it created; a second blast for a step is refused', async () => {
    rig = await Rig.start();
    const a = rig.db.db;
    const other = await openDatabase({ url: rig.databaseUrl, poolMax: 2 });
    const limits = { region: 'MY', maxRecipients: 1000 };
    try {
      const made = await createBlast(
        a,
        {
          tag: null,
          message: 'Hi',
          followUpStage: null,
          scheduledAt: null,
          device: 'dev-seq',
          recipients: phones(20, 90_000).map((phone) => ({ phone, vars: {} })),
          dryRun: false,
        },
        limits,
      );
      const root = made.blast_id!;
      await a.execute(
        sql`UPDATE blast_recipients SET status = 'DELIVERY_ACK', sent_at = now(), delivered_at = now() WHERE blast_id = ${root}`,
      );
      await a.execute(sql`UPDATE blasts SET state = 'completed', completed_at = now() WHERE id = ${root}`);
      await putSequence(a, root, [{ segment: 'not_replied', delaySeconds: 0, message: 'S', followUpStage: null }]);
      const now = new Date(Date.now() + 1000);
      let entered: () => void = () => undefined;
      const inside = new Promise<void>((resolve) => {
        entered = resolve;
      });
      // The first engine's transaction stops at its hold point: blast and recipients inserted, not committed.
      const first = createDueStep(a, now, {
        limits,
        log: silentLogger,
        holdMs: 1500,
        sleep: async (ms) => {
          entered();
          await sleep(ms);
        },
      });
      await inside;
      expect(await createDueStep(other.db, now, { limits, log: silentLogger })).toBeNull();
      const created = await first;
      expect(created).toMatchObject({ sequenceId: root, position: 1, recipients: 20 });
      expect(await createDueStep(other.db, now, { limits, log: silentLogger })).toBeNull();
      // The last line of defence: a blast records its step under a unique index.
      await expect(
        a.execute(sql`INSERT INTO blasts (message, device, sequence_step_id) VALUES ('x', 'dev-seq', ${created!.stepId})`),
      ).rejects.toThrow();
      const [n] = await rows<{ blasts: number; recipients: number }>(
        a,
        sql`SELECT count(DISTINCT b.id)::int AS blasts, count(r.id)::int AS recipients FROM blasts b JOIN blast_recipients r ON r.blast_id = b.id WHERE b.sequence_step_id IS NOT NULL`,
      );
      expect(n).toEqual({ blasts: 1, recipients: 20 });

      // A step that cannot be created (here a stray blast already holds its step id) never blocks
      // the others: the scheduler creates the next due step, and the failed one says why.
      const due = async (start: number) => {
        const b = await createBlast(
          a,
          {
            tag: null,
            message: 'Hi',
            followUpStage: null,
            scheduledAt: null,
            device: 'dev-seq',
            recipients: phones(3, start).map((phone) => ({ phone, vars: {} })),
            dryRun: false,
          },
          limits,
        );
        await a.execute(sql`UPDATE blast_recipients SET status = 'DELIVERY_ACK', sent_at = now() WHERE blast_id = ${b.blast_id}`);
        await a.execute(sql`UPDATE blasts SET state = 'completed', completed_at = now() - interval '1 minute' WHERE id = ${b.blast_id}`);
        await putSequence(a, b.blast_id!, [{ segment: 'not_replied', delaySeconds: 0, message: 'T', followUpStage: null }]);
        return b.blast_id!;
      };
      const stuck = await due(91_000);
      const fine = await due(92_000);
      const [stuckStep] = await rows<{ id: number }>(a, sql`SELECT id FROM sequence_steps WHERE sequence_id = ${stuck}`);
      await a.execute(sql`INSERT INTO blasts (message, device, sequence_step_id) VALUES ('stray', 'dev-seq', ${stuckStep!.id})`);
      const scheduler = new SequenceScheduler({ db: a, clock: systemClock, log: silentLogger, limits });
      expect(await scheduler.tick()).toBe(1);
      const steps = await rows<{ sequence_id: number; state: string; note: string | null }>(
        a,
        sql`SELECT sequence_id, state, note FROM sequence_steps WHERE sequence_id IN (${stuck}, ${fine}) ORDER BY sequence_id`,
      );
      expect(steps[0]).toMatchObject({
        sequence_id: stuck,
        state: 'waiting',
        note: expect.stringMatching(/^not created yet: .*blasts_sequence_step_uq/),
      });
      expect(steps[1]).toMatchObject({ sequence_id: fine, state: 'created' });
      expect(await scheduler.tick()).toBe(0); // not retried at once
    } finally {
      await other.close();
    }
  });
});
