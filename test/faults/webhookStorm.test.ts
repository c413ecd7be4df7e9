import { sql } from 'drizzle-orm';
import { Pool } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/client.ts';
import type { SimMessage } from '../../sim/simMessage.ts';
import { checkPromise, printFigures } from './support/promise.ts';
import { api, phones, sleep } from './support/processes.ts';
import { Rig, WEBHOOK_SECRET } from './support/rig.ts';

/**
 * 20,000 status webhooks from 50 connections at once, while a blast is sending, many of them for
 * messages whose send result is not stored yet, in random order, duplicated, with aliases. The
 * simulator's own webhooks and the poller are off, so the test knows every event there was:
 * afterwards each recipient's status must be exactly the highest rank among its events.
 */
const EVENTS = 20_000;
const CONNECTIONS = 50;
const RECIPIENTS = 1000;
const PER_MESSAGE = EVENTS / RECIPIENTS;

const RANK = { SERVER_ACK: 2, DELIVERY_ACK: 3, READ_ACK: 4 } as const;
// How gateways spell them (normalised by wablast).
const SPELLINGS: Record<keyof typeof RANK, string[]> = {
  SERVER_ACK: ['SERVER_ACK', 'PENDING', 'sent'],
  DELIVERY_ACK: ['DELIVERY_ACK', 'delivered'],
  READ_ACK: ['READ_ACK', 'READ', 'played'],
};

interface Plan {
  expected: 'PENDING' | 'DELIVERY_ACK' | 'READ_ACK' | 'FAILED';
  events: string[];
}

/** The events one message will get, and the status they must leave it in. */
function plan(): Plan {
  const r = Math.random();
  if (r < 0.08) return { expected: 'FAILED', events: Array(PER_MESSAGE).fill('ERROR') };
  const target: keyof typeof RANK = r < 0.2 ? 'SERVER_ACK' : r < 0.55 ? 'DELIVERY_ACK' : 'READ_ACK';
  const below = (Object.keys(RANK) as Array<keyof typeof RANK>).filter((s) => RANK[s] <= RANK[target]);
  const pick = <T>(xs: T[]) => xs[Math.floor(Math.random() * xs.length)]!;
  const events = [pick(SPELLINGS[target])];
  while (events.length < PER_MESSAGE) {
    // ERROR after delivery changes nothing, whatever order it lands in: a fair thing to throw in.
    if (RANK[target] >= RANK.DELIVERY_ACK && Math.random() < 0.1) events.push('ERROR');
    else events.push(pick(SPELLINGS[pick(below)]));
  }
  // Shuffled: the highest event must win wherever it falls, not only when it comes last.
  for (let i = events.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [events[i], events[j]] = [events[j]!, events[i]!];
  }
  return { expected: target === 'SERVER_ACK' ? 'PENDING' : target, events };
}

let rig: Rig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

describe('webhook storm', () => {
  it('20,000 events from 50 connections while a blast sends: every status is the highest event, none lost', async () => {
    const started = Date.now();
    rig = await Rig.start({ env: { SEND_RATE: '100', SEND_BURST: '10' }, simWebhooks: false });
    const receiver = await rig.spawn('api');
    await rig.spawn('engine');
    const id = await rig.blast(receiver, phones(RECIPIENTS, 60_000));

    const plans = new Map<string, Plan>();
    const open: string[] = []; // message ids with events left to send
    let known = 0;
    const refresh = () => {
      const messages: SimMessage[] = rig!.sim.messages();
      for (let i = known; i < messages.length; i++) {
        const m = messages[i]!;
        if (plans.has(m.messageId)) continue;
        plans.set(m.messageId, plan());
        open.push(m.messageId);
      }
      known = messages.length;
    };

    const pool = new Pool(receiver.url, { connections: CONNECTIONS, pipelining: 1 });
    const path = `/webhooks/wsapme?token=${encodeURIComponent(WEBHOOK_SECRET)}`;
    let sent = 0;
    let answered = 0;
    let refused = 0;
    let duringBlast = 0;
    let blastDone = false;
    const latencies: number[] = [];
    const watcher = (async () => {
      while (!blastDone) {
        blastDone = (await rig!.state(id)) === 'completed';
        await sleep(100);
      }
    })();
    const worker = async () => {
      while (sent < EVENTS) {
        if (open.length === 0) {
          refresh();
          if (open.length === 0) {
            await sleep(20);
            continue;
          }
        }
        const i = Math.floor(Math.random() * open.length);
        const mid = open[i]!;
        const p = plans.get(mid)!;
        const status = p.events.pop()!;
        if (p.events.length === 0) open.splice(i, 1);
        sent++;
        const body = JSON.stringify({ messageId: mid, status, messageC2STimestamp: Math.floor(Date.now() / 1000) });
        // A gateway retries until it hears 2xx: so does this one.
        for (;;) {
          const t0 = performance.now();
          const res = await pool.request({ method: 'POST', path, headers: { 'content-type': 'application/json' }, body });
          await res.body.dump();
          latencies.push(performance.now() - t0);
          if (res.statusCode === 200) break;
          refused++;
          await sleep(50);
        }
        answered++;
        if (!blastDone) duringBlast++;
      }
    };
    // The storm must overlap the sending on any machine, however fast it ingests: once a third of the
    // blast is out, hold the blast (paused, not completed) until a quarter of the storm is answered.
    const overlap = (async () => {
      await rig!.acceptedBeyond(0, RECIPIENTS / 3, id);
      expect((await api(receiver.url, 'POST', `/api/blasts/${id}/pause`)).status).toBe(200);
      while (answered < EVENTS / 4) await sleep(20);
      expect((await api(receiver.url, 'POST', `/api/blasts/${id}/resume`)).status).toBe(200);
    })();
    const stormStarted = Date.now();
    // Refresh the list of accepted messages as the blast goes on.
    const refresher = setInterval(refresh, 50);
    await Promise.all(Array.from({ length: CONNECTIONS }, worker));
    await overlap;
    clearInterval(refresher);
    const stormMs = Date.now() - stormStarted;
    await pool.close();

    await rig.waitCompleted([id], 120_000);
    blastDone = true;
    await watcher;
    // Every event is for a message that was sent, so the inbox must drain completely.
    const unapplied = async () =>
      (await rows<{ n: number }>(rig!.db.db, sql`SELECT count(*)::int AS n FROM webhook_events WHERE applied_at IS NULL`))[0]!.n;
    for (const deadline = Date.now() + 20_000; (await unapplied()) > 0 && Date.now() < deadline; ) await sleep(200);

    const stored = await rows<{ message_id: string; status: string }>(
      rig.db.db,
      sql`SELECT message_id, status FROM blast_recipients WHERE blast_id = ${id} AND message_id IS NOT NULL`,
    );
    const byId = new Map(stored.map((s) => [s.message_id, s.status]));
    let wrongStatus = 0;
    const wrong: string[] = [];
    for (const [mid, p] of plans) {
      const got = byId.get(mid);
      if (got === p.expected) continue;
      wrongStatus++;
      if (wrong.length < 10) wrong.push(`${mid}: expected ${p.expected}, got ${got ?? 'no row'}`);
    }
    const [inbox] = await rows<{ n: number; early: number }>(
      rig.db.db,
      sql`SELECT count(*)::int AS n, count(*) FILTER (WHERE outcome = 'applied after send stored')::int AS early
          FROM webhook_events WHERE kind = 'status'`,
    );
    const figures = await checkPromise(rig.db.db, [id], rig.sim.messages(), { errorsFromTest: true });
    latencies.sort((x, y) => x - y);
    printFigures('webhook-storm', {
      events: answered,
      connections: CONNECTIONS,
      duringBlast,
      eventsPerSecond: Math.round(answered / (stormMs / 1000)),
      p50ms: Math.round(latencies[Math.floor(latencies.length * 0.5)]!),
      p99ms: Math.round(latencies[Math.floor(latencies.length * 0.99)]!),
      refused,
      stored: inbox!.n,
      beforeSendStored: inbox!.early,
      unapplied: await unapplied(),
      wrongStatus,
      recipients: figures.recipients,
      duplicates: figures.duplicates,
      lost: figures.lost,
      regressions: figures.regressions,
      seconds: Math.round((Date.now() - started) / 1000),
    });
    expect(answered).toBe(EVENTS);
    expect(plans.size).toBe(RECIPIENTS);
    expect(duringBlast).toBeGreaterThanOrEqual(EVENTS / 4); // the storm really overlapped the sending
    expect(wrong).toEqual([]);
    expect(inbox!.n).toBe(EVENTS); // every acknowledged event is in the inbox, once
    expect(await unapplied()).toBe(0);
    expect(figures.problems).toEqual([]);
    expect(figures.duplicates + figures.unsettled + figures.lost + figures.phantom + figures.regressions).toBe(0);
  });
});
