import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WsapmeSimulator, type SimStartOptions } from '../../sim/simulator.ts';

// Quiet, fast and deterministic unless a test asks otherwise. The seed's flat dialect: the WSAPME
// one (the default) has its own file, simulator-wsapme.test.ts.
const BASE: SimStartOptions = { seed: 42, latencyMs: 0, latencyJitterMs: 0, dialect: 'seed', apiKeyHeader: 'x-api-key' };

let sim: WsapmeSimulator | undefined;
let receiver: Receiver | undefined;
afterEach(async () => {
  await sim?.close();
  await receiver?.close();
  sim = undefined;
  receiver = undefined;
});

interface Received {
  url: string;
  headers: Record<string, unknown>;
  body: Record<string, unknown>;
}
interface Receiver {
  url: string;
  events: Received[];
  close(): Promise<void>;
}

/** A stand-in for our webhook endpoint; `failFirst` answers 500 to that many calls first. */
async function startReceiver(failFirst = 0): Promise<Receiver> {
  const events: Received[] = [];
  let calls = 0;
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      calls++;
      if (calls <= failFirst) {
        res.writeHead(500).end();
        return;
      }
      events.push({ url: req.url ?? '', headers: req.headers, body: JSON.parse(text) as Record<string, unknown> });
      res.writeHead(200).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhooks/wsapme`,
    events,
    close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(sim!.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
}
const send = (to: string, device = 'dev1') => post('/v1/sendMessage2', { device, to, message: 'hello' });

async function until(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A gateway clock stopped half-way through a second: a burst lands in one rate window, however slowly it is sent. */
const PINNED = { now: () => 1_767_225_600_500 };

describe('WsapmeSimulator', () => {
  it('answers 429 with Retry-After past the per-device rate and records the peak', async () => {
    sim = await WsapmeSimulator.start({ ...BASE, ...PINNED, ratePerSecond: 5 });
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => send(`+6011000000${i + 10}`)));
    const other = await send('+60119999999', 'dev2');
    const limited = results.filter((r) => r.status === 429);
    expect(results.filter((r) => r.status === 200)).toHaveLength(5);
    expect(limited).toHaveLength(7);
    expect(other.status).toBe(200);
    for (const r of limited) {
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(r.body.error).toBe('rate limited');
      expect(r.body.retry_after_ms).toBeGreaterThan(0);
      expect(r.body.retry_after_ms).toBeLessThanOrEqual(1000);
    }
    const stats = sim.stats();
    expect(stats).toMatchObject({ accepted: 6, rejected429: 7 });
    expect(stats.peakPerDevicePerSecond).toEqual({ dev1: 5, dev2: 1 });
  });

  it('tallies accepted messages per phone and rejects invalid numbers', async () => {
    sim = await WsapmeSimulator.start({ ...BASE, invalidNumbers: ['+60111111111'] });
    for (const to of ['+60123456789', '+60123456789', '+60198765432']) expect((await send(to)).status).toBe(200);
    expect(await send('+60120000000')).toMatchObject({ status: 400, body: { error: 'number not on WhatsApp' } });
    expect(await send('+60111111111')).toMatchObject({ status: 400, body: { error: 'invalid number' } });
    expect(await send('not a phone')).toMatchObject({ status: 400 });
    expect(sim.tally()).toEqual({ '+60123456789': 2, '+60198765432': 1 });
    const messages = sim.messages();
    expect(messages).toHaveLength(3);
    expect(messages[0]?.messageId).toMatch(/^3EB0[0-9A-F]{16}$/);
    expect(sim.stats().invalid).toBe(3);
  });

  it('reports status by message id, counts polls, and 404s unknown ids', async () => {
    sim = await WsapmeSimulator.start({ ...BASE, deliverProbability: 1, deliverDelayMs: [20, 20] });
    const sent = await send('+60123456789');
    const messageId = sent.body.messageId as string;
    // Polled until delivered: a loaded machine may already be past the 20 ms at the first call.
    const seen: string[] = [];
    for (let i = 0; i < 200 && seen.at(-1) !== 'DELIVERY_ACK'; i++) {
      const r = await post('/v1/getMessageStatus', { device: 'dev1', messageId });
      expect(r.body).toMatchObject({ messageId });
      expect(typeof r.body.messageC2STimestamp).toBe('number');
      seen.push(r.body.status as string);
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(seen.at(-1)).toBe('DELIVERY_ACK');
    expect(seen.every((s) => s === 'PENDING' || s === 'DELIVERY_ACK')).toBe(true);
    expect((await post('/v1/getMessageStatus', { device: 'dev1', messageId: 'nope' })).status).toBe(404);
    expect(sim.messages()[0]?.statusCalls).toBe(seen.length);
    expect(sim.stats().statusCalls).toBe(seen.length + 1);
  });

  it('delivers, reads and replies through webhooks, with duplicates and the ack before the answer', async () => {
    receiver = await startReceiver();
    sim = await WsapmeSimulator.start({
      ...BASE,
      webhookUrl: receiver.url,
      webhookSecret: 's3cret',
      deliverProbability: 1,
      readProbability: 1,
      replyProbability: 1,
      stopProbability: 1,
      readDelayMs: [10, 20],
      replyDelayMs: [10, 20],
      earlyAckProbability: 1,
      duplicateWebhookProbability: 1,
    });
    const r = receiver;
    const sent = await send('+60123456789');
    const messageId = sent.body.messageId as string;
    // Early ack: the DELIVERY webhook was answered before our send call got its answer.
    expect(r.events.map((e) => e.body)).toContainEqual(expect.objectContaining({ messageId, status: 'DELIVERY_ACK', device: 'dev1' }));
    const count = (pred: (e: Received) => boolean) => r.events.filter(pred).length;
    // Every event is sent twice, the copy up to ~550 ms later.
    await until(
      () =>
        count((e) => e.body.event === 'message') >= 2 &&
        count((e) => e.body.status === 'DELIVERY_ACK') >= 2 &&
        count((e) => e.body.status === 'READ_ACK') >= 2,
    );
    const statuses = r.events.filter((e) => e.body.messageId === messageId).map((e) => e.body.status);
    expect(statuses).toContain('READ_ACK');
    const inbound = r.events.find((e) => e.body.event === 'message');
    expect(inbound?.body).toMatchObject({ from: '+60123456789', message: 'STOP', device: 'dev1' });
    expect(r.events.every((e) => e.url.endsWith('?token=s3cret'))).toBe(true);
    expect(sim.messages()[0]).toMatchObject({ delivered: true, read: true, replied: true, replyText: 'STOP' });
    expect(sim.stats().webhookDuplicates).toBeGreaterThanOrEqual(3);
  });

  it('retries a failing webhook and sends the secret as a header when asked', async () => {
    receiver = await startReceiver(2);
    sim = await WsapmeSimulator.start({
      ...BASE,
      webhookUrl: receiver.url,
      webhookSecret: 's3cret',
      webhookSecretIn: 'header',
      deliverProbability: 1,
      readProbability: 0,
      replyWithoutReadProbability: 0,
      deliverDelayMs: [0, 0],
    });
    await send('+60123456789');
    const r = receiver;
    await until(() => r.events.length === 1);
    expect(r.events[0]?.headers['x-webhook-secret']).toBe('s3cret');
    // The receiver sees the request before the simulator has read its answer and counted it.
    const s = sim;
    await until(() => s.stats().webhooksSent === 1);
    expect(sim.stats()).toMatchObject({ webhooksSent: 1, webhooksFailed: 0, webhookAttempts: 3 });
  });

  it('drops webhooks (polling still sees the state) and can reorder them', async () => {
    receiver = await startReceiver();
    const r = receiver;
    sim = await WsapmeSimulator.start({
      ...BASE,
      webhookUrl: r.url,
      deliverProbability: 1,
      readProbability: 1,
      replyProbability: 0,
      deliverDelayMs: [0, 0],
      readDelayMs: [0, 0],
      dropWebhookProbability: 1,
    });
    const sent = await send('+60123456789');
    const s = sim;
    await until(() => s.stats().webhooksDropped === 2);
    expect(r.events).toHaveLength(0);
    const polled = await post('/v1/getMessageStatus', { device: 'dev1', messageId: sent.body.messageId });
    expect(polled.body.status).toBe('READ_ACK');

    sim.configure({ dropWebhookProbability: 0, reorderWebhooks: true, reorderMaxMs: 200 });
    for (let i = 0; i < 10; i++) await send(`+601234567${i}0`);
    await until(() => r.events.length === 20);
    const order = new Map<unknown, unknown[]>();
    for (const e of r.events) order.set(e.body.messageId, [...(order.get(e.body.messageId) ?? []), e.body.status]);
    const readFirst = [...order.values()].filter((statuses) => statuses[0] === 'READ_ACK');
    expect(readFirst.length).toBeGreaterThan(0);
  });

  it('holds the answer of a "timed out" send but still accepts the message', async () => {
    sim = await WsapmeSimulator.start({ ...BASE, timeoutProbability: 1 });
    const attempt = fetch(`${sim.url}/v1/sendMessage2`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ device: 'dev1', to: '+60123456789', message: 'hi' }),
      signal: AbortSignal.timeout(200),
    });
    await expect(attempt).rejects.toThrow();
    expect(sim.tally()).toEqual({ '+60123456789': 1 });
    expect(sim.stats().timeouts).toBe(1);
  });

  it('is driven over HTTP: config, api key, stats, tally and reset', async () => {
    sim = await WsapmeSimulator.start(BASE);
    expect((await post('/__sim/config', { ratePerSecond: 0 })).status).toBe(400);
    expect((await post('/__sim/config', { bogus: 1 })).status).toBe(400);
    expect((await post('/__sim/config', { apiKey: 'k1' })).body.apiKey).toBe('k1');
    expect((await send('+60123456789')).status).toBe(401);
    const keyed = await post('/v1/sendMessage2', { device: 'd', to: '+60123456789', message: 'x' }, { 'x-api-key': 'k1' });
    expect(keyed.status).toBe(200);
    expect(await (await fetch(`${sim.url}/__sim/tally`)).json()).toEqual({ '+60123456789': 1 });
    const stats = (await (await fetch(`${sim.url}/__sim/stats`)).json()) as Record<string, unknown>;
    expect(stats).toMatchObject({ accepted: 1, authFailures: 1 });
    expect((await post('/__sim/reset', {})).body).toEqual({ ok: true });
    expect(sim.tally()).toEqual({});
    expect(sim.stats()).toMatchObject({ accepted: 0, authFailures: 0, peakPerDevicePerSecond: {} });
  });

  it('is reproducible from its seed', async () => {
    const ids = async () => {
      const s = await WsapmeSimulator.start(BASE);
      sim = s;
      const out: unknown[] = [];
      for (let i = 0; i < 3; i++) out.push((await send(`+6012345678${i}`)).body.messageId);
      await s.close();
      sim = undefined;
      return out;
    };
    expect(await ids()).toEqual(await ids());
  });
});
