import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WsapmeClient, type WsapmeClientOptions } from '../../src/gateway/wsapmeClient.ts';
import { WsapmeSimulator, type SimStartOptions } from '../../sim/simulator.ts';

let sim: WsapmeSimulator | undefined;
let client: WsapmeClient | undefined;
afterEach(async () => {
  await client?.close();
  await sim?.close();
  client = undefined;
  sim = undefined;
});

async function setup(simOpts: SimStartOptions = {}, clientOpts: Partial<WsapmeClientOptions> = {}) {
  sim = await WsapmeSimulator.start({ seed: 7, latencyMs: 0, latencyJitterMs: 0, ...simOpts });
  client = new WsapmeClient({ baseUrl: sim.url, apiKeyHeader: 'x-wsapme-token', timeoutMs: 2000, ...clientOpts });
  return { sim, client };
}

const msg = (to = '+60123456789') => ({ device: '5850', to, message: 'Hello {{name}}' });

/** A port with nobody listening on it. */
async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

describe('WsapmeClient against the simulator', () => {
  it('sends a message and gets the message id and the whole body', async () => {
    const { client, sim } = await setup();
    const out = await client.sendMessage(msg());
    expect(out.kind).toBe('accepted');
    if (out.kind !== 'accepted') return;
    expect(out.messageId).toMatch(/^3EB0/);
    expect(out.data).toMatchObject({
      success: true,
      message: 'Sent Successfully',
      data: { key: { remoteJid: '60123456789@s.whatsapp.net', fromMe: true, id: out.messageId }, status: 'PENDING' },
    });
    expect(sim.tally()).toEqual({ '+60123456789': 1 });
  });

  it('reads message status and reports unknown ids as not_found', async () => {
    const { client, sim } = await setup({ deliverProbability: 1, deliverDelayMs: [0, 0] });
    const sent = await client.sendMessage(msg());
    if (sent.kind !== 'accepted') throw new Error(`not accepted: ${sent.kind}`);
    await vi.waitFor(() => expect(sim.messages()[0]?.delivered).toBe(true));
    const status = await client.getMessageStatus({ device: '5850', messageId: sent.messageId });
    expect(status).toMatchObject({ kind: 'status', status: 'DELIVERY_ACK' });
    expect(status.kind === 'status' && status.c2sTimestamp).toMatch(/^\d+$/);
    expect(await client.getMessageStatus({ device: '5850', messageId: '3EB0NOPE' })).toEqual({ kind: 'not_found' });
  });

  it('classifies 429 as rate_limited with the wait until the next window', async () => {
    // The gateway's clock stopped mid-second: both sends land in one rate window, however slow the machine.
    const { client } = await setup({ ratePerSecond: 1, now: () => 1_767_225_600_500 });
    expect((await client.sendMessage(msg())).kind).toBe('accepted');
    const out = await client.sendMessage(msg('+60198765432'));
    expect(out.kind).toBe('rate_limited');
    if (out.kind !== 'rate_limited') return;
    expect(out.retryAfterMs).toBeGreaterThan(0);
    expect(out.retryAfterMs).toBeLessThanOrEqual(1000);
  });

  it('classifies 5xx as retryable and an unknown number as permanent', async () => {
    const { client, sim } = await setup({ error5xxProbability: 1 });
    expect(await client.sendMessage(msg())).toMatchObject({ kind: 'retryable', reason: expect.stringContaining('500') });
    sim.configure({ error5xxProbability: 0 });
    expect(await client.sendMessage(msg('+60120000000'))).toEqual({ kind: 'permanent', reason: 'number not on WhatsApp' });
    expect(sim.tally()).toEqual({});
  });

  it('classifies a send whose answer never comes as ambiguous, though the gateway took it', async () => {
    // The answer is held far longer than the test may run: only the client's own timeout can end
    // the call, and then it must say ambiguous (a late answer would have said accepted).
    const { client, sim } = await setup({ timeoutProbability: 1, hangMs: 600_000 }, { timeoutMs: 300 });
    const out = await client.sendMessage(msg());
    expect(out.kind).toBe('ambiguous');
    expect(sim.tally()).toEqual({ '+60123456789': 1 });
  });

  it('classifies connection refused as retryable', async () => {
    client = new WsapmeClient({
      baseUrl: `http://127.0.0.1:${await deadPort()}`,
      apiKeyHeader: 'x-api-key',
      timeoutMs: 1000,
    });
    const out = await client.sendMessage(msg());
    expect(out).toMatchObject({ kind: 'retryable', reason: expect.stringContaining('ECONNREFUSED') });
    expect((await client.getMessageStatus({ device: '5850', messageId: 'x' })).kind).toBe('error');
  });

  it('classifies a wrong API key as auth and sends the right one in the configured header', async () => {
    const { sim } = await setup(
      { apiKey: 'right-key', apiKeyHeader: 'x-wsapme-key' },
      { apiKey: 'wrong-key', apiKeyHeader: 'X-Wsapme-Key' },
    );
    const out = await client!.sendMessage(msg());
    expect(out.kind).toBe('auth');
    expect(JSON.stringify(out)).not.toContain('wrong-key');
    const good = new WsapmeClient({
      baseUrl: sim.url,
      apiKey: 'right-key',
      apiKeyHeader: 'X-Wsapme-Key',
      timeoutMs: 1000,
    });
    try {
      expect((await good.sendMessage(msg())).kind).toBe('accepted');
    } finally {
      await good.close();
    }
  });

  it('tolerates a trailing slash on the base URL', async () => {
    const { sim } = await setup();
    const prefixed = new WsapmeClient({ baseUrl: `${sim.url}/`, apiKeyHeader: 'x-api-key', timeoutMs: 1000 });
    try {
      expect((await prefixed.sendMessage(msg())).kind).toBe('accepted');
    } finally {
      await prefixed.close();
    }
  });

  it('in the WSAPME dialect: a refused token is auth, an offline device device_unavailable, and the sim counts neither', async () => {
    const { client, sim } = await setup({ apiKey: 'tok' }, { apiKey: 'tok' });
    sim.configure({ refuseToken: true });
    expect(await client.sendMessage(msg())).toEqual({ kind: 'auth', reason: 'Unauthorised Token' });
    sim.configure({ refuseToken: false, deviceOffline: true });
    expect(await client.sendMessage(msg())).toEqual({ kind: 'device_unavailable', reason: 'Device is not connected' });
    sim.configure({ deviceOffline: false });
    expect((await client.sendMessage(msg())).kind).toBe('accepted');
    expect(sim.tally()).toEqual({ '+60123456789': 1 });
    expect(sim.stats()).toMatchObject({ authFailures: 1, deviceOffline: 1, accepted: 1 });
  });

  it('sends the lookup to the configured path with the body template, and reads the refused and missing modes', async () => {
    const { sim } = await setup({ deliverProbability: 1, deliverDelayMs: [0, 0] });
    const sent = await client!.sendMessage(msg());
    if (sent.kind !== 'accepted') throw new Error(`not accepted: ${sent.kind}`);
    const odd = new WsapmeClient({
      baseUrl: sim.url,
      apiKeyHeader: 'x-wsapme-token',
      timeoutMs: 1000,
      statusPath: '/v1/getMessageStatus',
      statusBody: '{"device":"{device}","messageId":"{messageId}","jid":"{jid}"}',
    });
    try {
      await vi.waitFor(() => expect(sim.messages()[0]?.delivered).toBe(true));
      expect(await odd.getMessageStatus({ device: '5850', messageId: sent.messageId, phone: '+60123456789' })).toMatchObject({
        kind: 'status',
        status: 'DELIVERY_ACK',
      });
      sim.configure({ statusLookup: 'refused' });
      expect(await odd.getMessageStatus({ device: '5850', messageId: sent.messageId })).toEqual({ kind: 'refused', reason: 'messageInfo' });
      sim.configure({ statusLookup: 'missing' });
      expect(await odd.getMessageStatus({ device: '5850', messageId: sent.messageId })).toEqual({ kind: 'not_found' });
    } finally {
      await odd.close();
    }
    const wrongPath = new WsapmeClient({
      baseUrl: sim.url,
      apiKeyHeader: 'x-wsapme-token',
      timeoutMs: 1000,
      statusPath: '/api/messageInfo',
    });
    try {
      expect(await wrongPath.getMessageStatus({ device: '5850', messageId: sent.messageId })).toEqual({ kind: 'not_found' });
    } finally {
      await wrongPath.close();
    }
  });
});

describe('WsapmeClient connection probes', () => {
  it('GET /v1/server and POST /v1/info with the token: reachable, accepted, refused', async () => {
    const { client, sim } = await setup({ apiKey: 'probe-token-123456' }, { apiKey: 'probe-token-123456' });
    expect(await client.checkServer()).toMatchObject({
      ok: true,
      detail: expect.stringContaining('Server is running'),
      latencyMs: expect.any(Number),
    });
    expect(await client.checkToken('5850')).toMatchObject({ ok: true });
    sim.configure({ refuseToken: true });
    expect(await client.checkToken('5850')).toEqual({ ok: false, detail: 'refused: Unauthorised Token' });
    // A wrong token is refused the same way, and the token never appears in what the client says.
    const wrong = new WsapmeClient({ baseUrl: sim.url, apiKeyHeader: 'x-wsapme-token', timeoutMs: 1000, apiKey: 'wrong-token-abcdef' });
    try {
      sim.configure({ refuseToken: false });
      const said = JSON.stringify([await wrong.checkServer(), await wrong.checkToken('5850')]);
      expect(said).toContain('Unauthorised Token');
      expect(said).not.toContain('wrong-token-abcdef');
    } finally {
      await wrong.close();
    }
  });

  it('an unreachable gateway is a problem for reachability and unknown for the token', async () => {
    const port = await deadPort();
    client = new WsapmeClient({
      baseUrl: `http://127.0.0.1:${port}`,
      apiKeyHeader: 'x-wsapme-token',
      timeoutMs: 1000,
      apiKey: 'unreachable-token-xyz',
    });
    expect(await client.checkServer()).toMatchObject({ ok: false, detail: expect.stringContaining('ECONNREFUSED') });
    expect(await client.checkToken('5850')).toMatchObject({ ok: null, detail: expect.stringContaining('could not ask the gateway') });
  });
});
