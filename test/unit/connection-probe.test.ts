import { describe, expect, it } from 'vitest';
import type { GatewayResult } from '../../src/gateway/classify.ts';
import { classifyServerProbe, classifyTokenProbe } from '../../src/gateway/classifyProbe.ts';
import { buildConnectionReport, prettyBody, BODY_SHOWN, type ConnectionFacts } from '../../src/connection/connectionReport.ts';

const answer = (statusCode: number, body: unknown): GatewayResult => ({ type: 'response', statusCode, headers: {}, body });
const probe = (result: GatewayResult) => ({ result, latencyMs: 42 });

describe('classifyServerProbe (GET /v1/server)', () => {
  it('is reachable when the gateway answers below 500, with its words and the latency', () => {
    expect(classifyServerProbe(probe(answer(200, { success: true, message: 'Server is running' })))).toEqual({
      ok: true,
      detail: 'answered HTTP 200: Server is running in 42 ms',
    });
    expect(classifyServerProbe(probe(answer(404, '')))).toEqual({ ok: true, detail: 'answered HTTP 404 in 42 ms' });
  });
  it('is not reachable on a network error or a 5xx', () => {
    expect(classifyServerProbe(probe({ type: 'error', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:9' }))).toEqual({
      ok: false,
      detail: 'not reachable: ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:9',
    });
    expect(
      classifyServerProbe(probe({ type: 'error', name: 'TimeoutError', message: 'The operation was aborted due to timeout' })).ok,
    ).toBe(false);
    expect(classifyServerProbe(probe(answer(502, '<html>Bad gateway</html>')))).toEqual({ ok: false, detail: 'answered HTTP 502 (42 ms)' });
  });
});

describe('classifyTokenProbe (POST /v1/info)', () => {
  it('a success:false naming the token is a refusal (the fact sheet\'s 200 "Unauthorised Token")', () => {
    expect(classifyTokenProbe(probe(answer(200, { success: false, message: 'Unauthorised Token' })))).toEqual({
      ok: false,
      detail: 'refused: Unauthorised Token',
    });
    expect(classifyTokenProbe(probe(answer(401, { error: 'invalid api key' })))).toEqual({ ok: false, detail: 'refused: invalid api key' });
    expect(classifyTokenProbe(probe(answer(403, '')))).toEqual({ ok: false, detail: 'refused: HTTP 403' });
  });
  it('success:true is accepted', () => {
    expect(classifyTokenProbe(probe(answer(200, { success: true, data: {} }))).ok).toBe(true);
  });
  it("anything else is unknown, with the gateway's words", () => {
    expect(classifyTokenProbe(probe(answer(200, { success: false, message: 'Device not found' })))).toEqual({
      ok: null,
      detail: 'unclear answer from POST /v1/info (HTTP 200: Device not found)',
    });
    expect(classifyTokenProbe(probe(answer(404, { success: false, message: 'Not Found' })))).toEqual({
      ok: null,
      detail: 'unclear answer from POST /v1/info (HTTP 404: Not Found)',
    });
    expect(classifyTokenProbe(probe(answer(200, { ok: 1 })))).toEqual({ ok: null, detail: 'unclear answer from POST /v1/info (HTTP 200)' });
    expect(classifyTokenProbe(probe({ type: 'error', code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND x' })).ok).toBe(null);
  });
});

const facts = (over: Partial<ConnectionFacts> = {}): ConnectionFacts => ({
  simulator: false,
  gatewayHost: 'api.wsapme.com',
  server: { ok: true, detail: 'answered HTTP 200 in 5 ms', latencyMs: 5 },
  token: { ok: true, detail: 'accepted' },
  device: '5850',
  devices: [{ id: '5850', enabled: true, sending: { state: 'running' } }],
  webhook: { configured: true, masked: 'https://x/webhooks/wsapme/abcd…', publicUrlSet: true, reminder: 'Enable status' },
  lastWebhook: null,
  lookup: { available: true, reason: null, since: null },
  pollMode: 'fallback',
  ...over,
});
const check = (f: ConnectionFacts, id: string) => buildConnectionReport(f).checks.find((c) => c.id === id)!;

describe('buildConnectionReport', () => {
  it('is ok with no problem, and names the gateway by host only', () => {
    const r = buildConnectionReport(facts());
    expect(r).toMatchObject({ ok: true, problems: 0 });
    expect(r.checks.map((c) => c.id)).toEqual([
      'mode',
      'gateway',
      'token',
      'device',
      'webhook_url',
      'last_webhook',
      'status_lookup',
      'sending',
    ]);
    expect(check(facts(), 'mode').detail).toBe('real gateway at api.wsapme.com');
  });
  it('a device held for its token makes the token check a problem, or unknown when the probe passes now', () => {
    const held = {
      id: '5850',
      enabled: true,
      sending: {
        state: 'held' as const,
        kind: 'auth',
        reason: 'Unauthorised Token',
        since: null,
        retry_at: '2026-01-01T00:00:10.000Z',
        probes_refused: 1,
      },
    };
    expect(check(facts({ devices: [held] }), 'token')).toMatchObject({ ok: null, detail: expect.stringContaining('held') });
    expect(check(facts({ devices: [held], token: { ok: false, detail: 'refused: Unauthorised Token' } }), 'token').ok).toBe(false);
    const r = buildConnectionReport(facts({ devices: [held] }));
    expect(r.checks.find((c) => c.id === 'sending')).toMatchObject({
      ok: false,
      detail: '5850 held (auth): Unauthorised Token; next try at 2026-01-01T00:00:10.000Z',
    });
    expect(r).toMatchObject({ ok: false, problems: 1 });
  });
  it('no secret is a problem; an unavailable lookup is said but not a problem', () => {
    expect(check(facts({ webhook: { configured: false, masked: null, publicUrlSet: false, reminder: '' } }), 'webhook_url').ok).toBe(false);
    expect(check(facts({ lookup: { available: false, reason: '5 refused', since: '2026-01-01T00:00:00.000Z' } }), 'status_lookup')).toEqual(
      {
        id: 'status_lookup',
        label: 'Status lookup',
        ok: null,
        detail: 'unavailable since 2026-01-01T00:00:00.000Z: 5 refused; statuses come from webhooks only',
      },
    );
  });
  it('pretty-prints a JSON or form body as JSON and cuts a long one', () => {
    expect(prettyBody('{"a":{"b":1}}', 'application/json')).toEqual({
      body: '{\n  "a": {\n    "b": 1\n  }\n}',
      decoded: 'json',
      truncated: false,
    });
    expect(prettyBody('data=%7B%22id%22%3A1%7D&x=2', 'application/x-www-form-urlencoded')).toEqual({
      body: '{\n  "data": {\n    "id": 1\n  },\n  "x": "2"\n}',
      decoded: 'form',
      truncated: false,
    });
    expect(prettyBody('not json at all', 'text/plain')).toEqual({ body: 'not json at all', decoded: null, truncated: false });
    const long = prettyBody('x'.repeat(BODY_SHOWN + 10), null);
    expect(long).toMatchObject({ decoded: null, truncated: true });
    expect(long.body).toMatch(/… \(10 more characters\)$/);
  });
});
