import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/client.ts';
import { statusChains, unverified } from '../helpers/outboundChecks.ts';
import { type Subscriber, startSubscriber } from '../helpers/webhookSubscriber.ts';
import { printFigures } from './support/promise.ts';
import { type WablastProcess, api, phones, sleep } from './support/processes.ts';
import { Rig } from './support/rig.ts';

/**
 * The outbox is written in the transaction of each change, so an engine killed mid-blast
 * (SIGKILL, twice) loses no outbound webhook: whatever it had claimed but not recorded goes out
 * again, with the same webhook-id, once its claim expires, and a restarted engine carries on.
 */
const RECIPIENTS = 300;

let rig: Rig | null = null;
let subscriber: Subscriber | null = null;
afterEach(async () => {
  await rig?.close();
  await subscriber?.close();
  rig = null;
  subscriber = null;
});

describe('outbound webhooks: SIGKILL of the engine mid-blast', () => {
  it('every status change, reply and completion still reaches the subscriber, signed and in order per recipient', async () => {
    const started = Date.now();
    subscriber = await startSubscriber({ failFirst: 5 });
    rig = await Rig.start({
      env: { SEND_RATE: '40', SEND_BURST: '4', LEASE_SECONDS: '3' },
      sim: { replyProbability: 0.3, stopProbability: 0.1 },
    });
    const apiProc = await rig.spawn('api');
    let engine: WablastProcess = await rig.spawn('engine');
    const endpoint = await api(apiProc.url, 'POST', '/api/webhook-endpoints', {
      url: subscriber.url,
      events: ['recipient.status_changed', 'recipient.replied', 'recipient.opted_out', 'blast.completed'],
    });
    expect(endpoint.status).toBe(201);
    const secret = endpoint.body.secret as string;
    const id = await rig.blast(apiProc, phones(RECIPIENTS, 5000));

    let kills = 0;
    for (let k = 0; k < 2; k++) {
      await rig.acceptedBeyond(rig.sim.stats().accepted, 30 + Math.floor(Math.random() * 60), id);
      // Kill while the worker is delivering: some deliveries are on the wire, answered or not.
      const deliveredBefore = subscriber.received.length;
      for (const deadline = Date.now() + 10_000; subscriber.received.length === deliveredBefore && Date.now() < deadline; ) await sleep(5);
      engine.kill('SIGKILL');
      await engine.exited;
      kills++;
      expect(await rig.state(id)).not.toBe('completed');
      engine = await rig.spawn('engine');
    }
    await rig.waitCompleted([id], 120_000);

    // Drained: the gateway has nothing more to tell (its phones go on reading and replying after
    // the blast completes), so every change is in the outbox, and nothing there is pending (a
    // killed engine's claims wait out their reservation). In that order: once the gateway is done,
    // nothing new enters the outbox.
    const sim = rig.sim;
    await rig.until(
      'the outbox drained',
      async () => {
        if (sim.stats().eventsPending > 0) return false;
        const [p] = await rows<{ n: number }>(
          rig!.db.db,
          sql`SELECT count(*)::int AS n FROM webhook_deliveries WHERE delivered_at IS NULL AND given_up_at IS NULL`,
        );
        return p!.n === 0;
      },
      180_000,
    );

    const finals = await rows<{ id: number; status: string }>(
      rig.db.db,
      sql`SELECT id, status FROM blast_recipients WHERE blast_id = ${id}`,
    );
    const outbox = await rows<{ id: string; delivered: boolean }>(
      rig.db.db,
      sql`SELECT id, delivered_at IS NOT NULL AS delivered FROM webhook_deliveries`,
    );
    const acceptedIds = new Set(subscriber.accepted().map((a) => a.id));
    const { broken, last } = statusChains(subscriber);
    const lost = outbox.filter((o) => !acceptedIds.has(o.id));
    const wrongLast = finals.filter((f) => last.get(f.id) !== f.status);
    printFigures('outbound', {
      kills,
      recipients: finals.length,
      events: outbox.length,
      requests: subscriber.received.length,
      duplicates: subscriber.accepted().length - acceptedIds.size,
      refused: subscriber.received.filter((r) => r.status !== 200).length,
      lost: lost.length,
      broken: broken.length,
      wrongLast: wrongLast.length,
      seconds: Math.round((Date.now() - started) / 1000),
    });
    expect(finals).toHaveLength(RECIPIENTS);
    expect(outbox.every((o) => o.delivered)).toBe(true);
    expect(lost).toEqual([]);
    expect(unverified(subscriber.received, [secret])).toHaveLength(0);
    expect(broken).toEqual([]);
    expect(wrongLast).toEqual([]);
    const events = subscriber.accepted().map((a) => a.event);
    expect(events.filter((e) => e.type === 'blast.completed').map((e) => e.data.blast_id)).toContain(id);
    expect(events.some((e) => e.type === 'recipient.replied')).toBe(true);
  }, 300_000);
});
