import { afterEach, describe, expect, it, vi } from 'vitest';
import { WsapmeSimulator } from '../../sim/simulator.ts';
import type { Json } from '../helpers/json.ts';

// The simulator's default dialect: the real gateway as ../shared/wsapme-dialect.md records it.
let sim: WsapmeSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(sim!.url + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Json };
}
const send = (to: string, device: string | number = '5850', headers: Record<string, string> = {}) =>
  post('/v1/sendMessage2', { device, to, message: 'Hi' }, headers);

describe('WsapmeSimulator in the wsapme dialect (the default)', () => {
  it('answers a send with the Baileys envelope: id at data.key.id, no top-level messageId', async () => {
    sim = await WsapmeSimulator.start({ seed: 1, latencyMs: 0, latencyJitterMs: 0 });
    expect(sim.options).toMatchObject({ dialect: 'wsapme', apiKeyHeader: 'x-wsapme-token' });
    const r = await send('+60189026292');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      success: true,
      message: 'Sent Successfully',
      data: {
        key: { remoteJid: '60189026292@s.whatsapp.net', fromMe: true, id: expect.stringMatching(/^3EB0/) },
        message: { extendedTextMessage: { text: 'Hi' } },
        messageTimestamp: expect.stringMatching(/^\d+$/),
        status: 'PENDING',
      },
    });
    expect(r.body.messageId).toBeUndefined();
  });

  it('takes `to` as +digits, digits or digits@c.us and `device` as a string or a number; tallies one phone', async () => {
    sim = await WsapmeSimulator.start({ seed: 1, latencyMs: 0, latencyJitterMs: 0 });
    for (const to of ['+60189026292', '60189026292', '60189026292@c.us']) expect((await send(to)).body.success).toBe(true);
    expect((await send('60189026293', 5850)).body.success).toBe(true);
    expect(sim.tally()).toEqual({ '+60189026292': 3, '+60189026293': 1 });
    expect(sim.messages().map((m) => m.device)).toEqual(['5850', '5850', '5850', '5850']);
  });

  it('refuses with HTTP 200 + success:false, and a refused send is not a contact', async () => {
    sim = await WsapmeSimulator.start({ seed: 1, latencyMs: 0, latencyJitterMs: 0, apiKey: 'tok' });
    expect(await send('+60189026292')).toEqual({ status: 200, body: { success: false, message: 'Unauthorised Token' } });
    const auth = { 'x-wsapme-token': 'tok' };
    expect(await send('+60123450000', '5850', auth)).toEqual({ status: 200, body: { success: false, message: 'number not on WhatsApp' } });
    expect(await send('12', '5850', auth)).toEqual({ status: 200, body: { success: false, message: 'invalid number' } });
    expect((await post('/__sim/config', { refuseToken: true })).body.refuseToken).toBe(true);
    expect((await send('+60189026292', '5850', auth)).body).toEqual({ success: false, message: 'Unauthorised Token' });
    expect((await post('/__sim/config', { refuseToken: false, deviceOffline: true })).status).toBe(200);
    expect((await send('+60189026292', '5850', auth)).body).toEqual({ success: false, message: 'Device is not connected' });
    expect(sim.tally()).toEqual({});
    sim.configure({ deviceOffline: false });
    expect((await send('+60189026292', '5850', auth)).body.success).toBe(true);
    expect(sim.tally()).toEqual({ '+60189026292': 1 });
    expect(sim.stats()).toMatchObject({ accepted: 1, authFailures: 2, deviceOffline: 1, invalid: 2 });
  });

  it('answers lookups under data with Baileys names, and can refuse them or not have them', async () => {
    sim = await WsapmeSimulator.start({
      seed: 1,
      latencyMs: 0,
      latencyJitterMs: 0,
      deliverProbability: 1,
      deliverDelayMs: [0, 0],
      readProbability: 1,
      readDelayMs: [0, 0],
    });
    const id = (await send('+60189026292')).body.data.key.id as string;
    const s = sim;
    await vi.waitFor(() => expect(s.messages()[0]?.read).toBe(true));
    const found = await post('/v1/getMessageStatus', { device: 5850, messageId: id });
    expect(found).toMatchObject({ status: 200, body: { success: true, data: { key: { id }, status: 'READ' } } });
    expect((await post('/v1/getMessageStatus', { device: '5850', messageId: 'nope' })).body).toMatchObject({ success: false });
    expect((await post('/__sim/config', { statusLookup: 'refused' })).status).toBe(200);
    expect(await post('/v1/getMessageStatus', { device: '5850', messageId: id })).toEqual({
      status: 200,
      body: { success: false, message: 'messageInfo ', data: {} },
    });
    sim.configure({ statusLookup: 'missing' });
    expect((await post('/v1/getMessageStatus', { device: '5850', messageId: id })).status).toBe(404);
    expect((await post('/__sim/config', { statusLookup: 'sometimes' })).status).toBe(400);
    expect(sim.stats().statusRefused).toBe(2);
  });
});
