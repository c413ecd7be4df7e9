/**
 * Probes of issue 11's attacks written from the outside: only README.md, SECURITY.md and the issue
 * were read, not the HTTP code nor the project's own security tests. Two real `wablast serve`
 * processes on fresh PostgreSQL databases: (A) started as `npm start` would be, nothing configured;
 * (B) configured for a network (HOST=0.0.0.0, a token, a webhook secret, PUBLIC_URL, TRUST_PROXY).
 * Every `it` asserts that an attack fails; requests go through node:http so Host, Origin and
 * Sec-Fetch-Site are exactly what an attacker's browser or script would send.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWeb, stale } from '../../scripts/build.mjs';
import { freePort } from '../helpers/freePort.ts';
import type { Json } from '../helpers/json.ts';
import { createEmptyDatabase, queryOnce } from '../helpers/postgresAdmin.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ATTACKER = 'https://attacker.example';

/** The machine's first non-loopback IPv4 address (the "other interface"), if it has one. */
const OTHER_ADDRESS = Object.values(os.networkInterfaces())
  .flat()
  .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;

interface Server {
  port: number;
  logs: string[];
  child: ChildProcess;
  exited: Promise<number | null>;
}

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json: Json;
}

const freshDatabase = () => createEmptyDatabase('wablast_probe');

async function dbQuery(url: string, text: string): Promise<Record<string, unknown>[]> {
  return (await queryOnce(url, text)).rows;
}

/** `node --import tsx src/main.ts serve` with exactly `env` (plus PATH/HOME); every output line kept. */
function startProcess(env: Record<string, string>): { child: ChildProcess; logs: string[]; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'serve'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  for (const stream of [child.stdout, child.stderr]) {
    let rest = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) if (line.trim()) logs.push(line);
    });
    stream?.on('end', () => {
      if (rest.trim()) logs.push(rest);
    });
  }
  return { child, logs, exited };
}

async function serve(env: Record<string, string>): Promise<Server> {
  const port = Number(env.PORT);
  const { child, logs, exited } = startProcess(env);
  const deadline = Date.now() + 90_000;
  // Ready once it logs that it runs (progress, not a fixed wait); gone if it exits first.
  for (;;) {
    if (logs.some((l) => l.includes('wablast is running'))) break;
    const code = await Promise.race([exited, new Promise<'tick'>((r) => setTimeout(() => r('tick'), 100))]);
    if (code !== 'tick') throw new Error(`wablast exited (${code}) before it was ready:\n${logs.slice(-20).join('\n')}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`wablast did not start:\n${logs.slice(-20).join('\n')}`);
    }
  }
  return { port, logs, child, exited };
}

async function stop(s: Server | undefined): Promise<void> {
  if (!s || s.child.exitCode !== null) return;
  s.child.kill('SIGTERM');
  const t = setTimeout(() => s.child.kill('SIGKILL'), 30_000);
  await s.exited;
  clearTimeout(t);
}

interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Address to connect to (default 127.0.0.1). */
  address?: string;
}

function request(port: number, path: string, o: RequestOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { host: `localhost:${port}`, ...o.headers };
    if (o.body !== undefined) headers['content-length'] = String(Buffer.byteLength(o.body));
    const req = http.request({ host: o.address ?? '127.0.0.1', port, path, method: o.method ?? 'GET', headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: Json;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    // A server may answer an oversized body (413) and close before reading it: the write then fails
    // with EPIPE/ECONNRESET, but the answer already arrived and is what counts.
    let answered = false;
    req.on('response', () => (answered = true));
    req.on('error', (e) => (answered ? undefined : reject(e)));
    req.setTimeout(30_000, () => req.destroy(new Error(`timeout ${o.method ?? 'GET'} ${path}`)));
    if (o.body !== undefined) req.write(o.body);
    req.end();
  });
}

/**
 * Streams a JSON body of `size` bytes over a raw socket, stopping as soon as the server answers: a
 * server refusing an oversized body answers early and closes, and writing on would only race its
 * answer against a reset connection.
 */
function oversized(port: number, path: string, prefix: string, size: number, headers: Record<string, string>): Promise<Reply> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    let answered = false;
    const finish = () => {
      const raw = Buffer.concat(received).toString('utf8');
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(raw)?.[1] ?? 0);
      const text = raw.slice(raw.indexOf('\r\n\r\n') + 4);
      let json: Json;
      try {
        json = JSON.parse(text.includes('{') ? text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1) : text);
      } catch {
        json = undefined;
      }
      resolve({ status, headers: {}, text, json });
    };
    socket.on('data', (c: Buffer) => {
      answered = true;
      received.push(c);
    });
    // A reset before any answer: the server cut the upload off (curl shows the same race). Status 0.
    socket.on('error', () => undefined);
    socket.on('close', () =>
      answered ? finish() : resolve({ status: 0, headers: {}, text: 'connection reset before an answer', json: undefined }),
    );
    const head = [
      `POST ${path} HTTP/1.1`,
      `Host: localhost:${port}`,
      'Content-Type: application/json',
      `Content-Length: ${size}`,
      'Connection: close',
    ]
      .concat(Object.entries(headers).map(([k, v]) => `${k}: ${v}`))
      .join('\r\n');
    socket.write(`${head}\r\n\r\n${prefix}`);
    const chunk = 'x'.repeat(64 * 1024);
    let left = size - prefix.length - 2;
    const pump = () => {
      if (answered) return;
      if (left <= 0) return void socket.write('"}');
      const piece = chunk.slice(0, Math.min(chunk.length, left));
      left -= piece.length;
      // One chunk at a time, yielding so an early answer is seen before the next write.
      socket.write(piece, () => setImmediate(pump));
    };
    setImmediate(pump);
  });
}

const jsonBody = () => ({ 'content-type': 'application/json' });

/** A multipart/form-data body as a browser's <form enctype="multipart/form-data"> would send it. */
function multipart(fields: Record<string, string>, file?: { name: string; content: string }): { type: string; body: string } {
  const boundary = `----probe${randomBytes(8).toString('hex')}`;
  let body = '';
  for (const [k, v] of Object.entries(fields)) body += `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`;
  if (file)
    body += `--${boundary}\r\nContent-Disposition: form-data; name="${file.name}"; filename="r.csv"\r\nContent-Type: text/csv\r\n\r\n${file.content}\r\n`;
  body += `--${boundary}--\r\n`;
  return { type: `multipart/form-data; boundary=${boundary}`, body };
}

/** The session's Set-Cookie header of a reply, attributes and all. */
function sessionSetCookie(r: Reply): string | undefined {
  return [r.headers['set-cookie'] ?? []].flat().find((c) => /wablast_session=/.test(c));
}

/** The session cookie of a reply as a browser sends it back: `name=value`. */
function sessionCookie(r: Reply): string | undefined {
  return sessionSetCookie(r)?.split(';')[0];
}

/** Numbers used by the probes: distinctive digits, so that any spelling of them in a log is found. */
const PHONES = ['+60137770001', '+60137770002', '+60137770003', '+60137770004'];

/** A server under probe plus the credentials (if any) a legitimate client uses. */
interface Target {
  server: Server;
  auth: Record<string, string>;
  dbUrl: string;
  secret?: string;
  /** What a signed-in operator's browser sends by itself on any request (B: the session cookie). */
  browser: Record<string, string>;
}

async function blastCount(t: Target): Promise<number> {
  const r = await request(t.server.port, '/api/blasts?limit=100', { headers: t.auth });
  expect(r.status).toBe(200);
  const list = Array.isArray(r.json) ? r.json : (r.json.blasts ?? r.json.items ?? r.json.data);
  expect(Array.isArray(list)).toBe(true);
  return typeof r.json.total === 'number' ? r.json.total : list.length;
}

async function createBlast(t: Target, recipients = PHONES.slice(0, 2), message = 'Hello {{name|there}}'): Promise<number> {
  const r = await request(t.server.port, '/api/blasts', {
    method: 'POST',
    headers: { ...t.auth, ...jsonBody() },
    body: JSON.stringify({ blast_tag: 'probe', recipients, message, follow_up_stage: 'Initial' }),
  });
  expect(r.status, r.text).toBe(201);
  return r.json.blast_id as number;
}

async function blastState(t: Target, id: number): Promise<unknown> {
  const r = await request(t.server.port, `/api/blasts/${id}`, { headers: t.auth });
  expect(r.status).toBe(200);
  return r.json.state ?? r.json.blast?.state ?? r.json.status;
}

/** Sends the blast and waits (by progress) until every recipient has a gateway message id. */
async function sendAndSettle(
  t: Target,
  id: number,
): Promise<Array<{ id: number; phone: string; message_id: string | null; status: string }>> {
  const s = await request(t.server.port, `/api/blasts/${id}/send?wait=true`, { method: 'POST', headers: t.auth });
  expect(s.status, s.text).toBe(200);
  const r = await request(t.server.port, `/api/blasts/${id}/recipients?limit=100`, { headers: t.auth });
  expect(r.status).toBe(200);
  const list = Array.isArray(r.json) ? r.json : (r.json.recipients ?? r.json.items ?? r.json.data);
  return list;
}

/** The cross-site attack set against one server: simple requests a page can send without preflight. */
function crossSiteProbes(target: () => Target) {
  it('refuses a cross-origin multipart form POST /api/blasts and creates nothing', async () => {
    const t = target();
    const before = await blastCount(t);
    const form = multipart({ blast_tag: 'evil', message: 'pwned', follow_up_stage: 'Initial', recipients: PHONES[0]! });
    const r = await request(t.server.port, '/api/blasts', {
      method: 'POST',
      headers: { ...t.browser, origin: ATTACKER, 'content-type': form.type, 'sec-fetch-site': 'cross-site' },
      body: form.body,
    });
    expect(r.status).toBe(403);
    const up = multipart({ blast_tag: 'evil', message: 'pwned' }, { name: 'file', content: `phone\n${PHONES[0]}\n` });
    const r2 = await request(t.server.port, '/api/blasts/upload', {
      method: 'POST',
      headers: { ...t.browser, origin: ATTACKER, 'content-type': up.type },
      body: up.body,
    });
    expect(r2.status).toBe(403);
    expect(await blastCount(t)).toBe(before);
  });

  it('refuses a cross-origin text/plain and urlencoded POST /api/blasts and creates nothing', async () => {
    const t = target();
    const before = await blastCount(t);
    const json = JSON.stringify({ blast_tag: 'evil', recipients: [PHONES[0]], message: 'pwned', follow_up_stage: 'Initial' });
    const r1 = await request(t.server.port, '/api/blasts', {
      method: 'POST',
      headers: { ...t.browser, origin: ATTACKER, 'content-type': 'text/plain' },
      body: json,
    });
    expect(r1.status).toBe(403);
    const form = new URLSearchParams({
      blast_tag: 'evil',
      recipients: PHONES[0]!,
      message: 'pwned',
      follow_up_stage: 'Initial',
    }).toString();
    const r2 = await request(t.server.port, '/api/blasts', {
      method: 'POST',
      headers: { ...t.browser, origin: ATTACKER, 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
    });
    expect(r2.status).toBe(403);
    const r3 = await request(t.server.port, '/api/blasts', {
      method: 'POST',
      headers: { ...t.browser, origin: 'null', 'content-type': 'text/plain' },
      body: json,
    });
    expect(r3.status).toBe(403);
    expect(await blastCount(t)).toBe(before);
  });

  it('refuses a cross-origin POST /api/blasts/:id/send and the blast does not move', async () => {
    const t = target();
    const id = await createBlast(t);
    const state = await blastState(t, id);
    const r = await request(t.server.port, `/api/blasts/${id}/send`, { method: 'POST', headers: { ...t.browser, origin: ATTACKER } });
    expect(r.status).toBe(403);
    const r2 = await request(t.server.port, `/api/blasts/${id}/send`, {
      method: 'POST',
      headers: { ...t.browser, 'sec-fetch-site': 'cross-site' },
    });
    expect(r2.status).toBe(403);
    expect(await blastState(t, id)).toEqual(state);
  });

  it('refuses a POST with Sec-Fetch-Site: cross-site (no Origin) and creates nothing', async () => {
    const t = target();
    const before = await blastCount(t);
    const r = await request(t.server.port, '/api/blasts', {
      method: 'POST',
      headers: { ...t.browser, 'sec-fetch-site': 'cross-site', 'content-type': 'text/plain' },
      body: JSON.stringify({ blast_tag: 'evil', recipients: [PHONES[0]], message: 'pwned' }),
    });
    expect(r.status).toBe(403);
    const r2 = await request(t.server.port, '/api/blasts', {
      method: 'POST',
      headers: { ...t.browser, 'sec-fetch-site': 'same-site', 'content-type': 'text/plain' },
      body: JSON.stringify({ blast_tag: 'evil', recipients: [PHONES[0]], message: 'pwned' }),
    });
    expect(r2.status).toBe(403);
    expect(await blastCount(t)).toBe(before);
  });

  it('approves no cross-origin read or preflight (no Access-Control-Allow-Origin for another site)', async () => {
    const t = target();
    const pre = await request(t.server.port, '/api/blasts', {
      method: 'OPTIONS',
      headers: {
        origin: ATTACKER,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type',
      },
    });
    expect(pre.headers['access-control-allow-origin']).toBeUndefined();
    expect(pre.headers['access-control-allow-credentials']).toBeUndefined();
    const read = await request(t.server.port, '/api/blasts', { headers: { ...t.auth, ...t.browser, origin: ATTACKER } });
    expect(read.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('refuses a foreign Host (DNS rebinding) on GET /api/blasts and /', async () => {
    const t = target();
    for (const path of ['/api/blasts', '/', '/api/blasts/1/events']) {
      const r = await request(t.server.port, path, { headers: { ...t.auth, host: 'attacker.example' } });
      expect(r.status, path).toBe(403);
      expect(r.text).not.toContain('blast_tag');
      for (const host of [
        `attacker.example:${t.server.port}`,
        `localhost.attacker.example:${t.server.port}`,
        `127.0.0.1.nip.io:${t.server.port}`,
      ]) {
        const r2 = await request(t.server.port, path, { headers: { ...t.auth, host } });
        expect(r2.status, `${host} ${path}`).toBe(403);
      }
    }
    // A cross-site write under a rebound name is refused too (the Host rule comes first).
    const w = await request(t.server.port, '/api/blasts', {
      method: 'POST',
      headers: { ...t.browser, host: 'attacker.example', origin: 'http://attacker.example', 'content-type': 'text/plain' },
      body: JSON.stringify({ blast_tag: 'evil', recipients: [PHONES[0]], message: 'pwned' }),
    });
    expect(w.status).toBe(403);
  });
}

/** Probes that hold for both configurations. */
function inputProbes(target: () => Target) {
  it('answers 400 naming the field for a NUL byte in a blast message, and creates nothing', async () => {
    const t = target();
    const before = await blastCount(t);
    const r = await request(t.server.port, '/api/blasts', {
      method: 'POST',
      headers: { ...t.auth, ...jsonBody() },
      body: JSON.stringify({ blast_tag: 'nul', recipients: [PHONES[0]], message: 'Hi\u0000there', follow_up_stage: 'Initial' }),
    });
    expect(r.status, r.text).toBe(400);
    expect(r.json?.error?.code).toEqual(expect.any(String));
    expect(JSON.stringify(r.json.error)).toMatch(/message/);
    for (const [field, body] of [
      ['blast_tag', { blast_tag: 'esc\u001b[31m', recipients: [PHONES[0]], message: 'Hi', follow_up_stage: 'Initial' }],
      ['follow_up_stage', { blast_tag: 'ok', recipients: [PHONES[0]], message: 'Hi', follow_up_stage: 'Init\u0000ial' }],
      ['message', { blast_tag: 'ok', recipients: [PHONES[0]], message: 'bell\u0007', follow_up_stage: 'Initial' }],
    ] as const) {
      const c = await request(t.server.port, '/api/blasts', {
        method: 'POST',
        headers: { ...t.auth, ...jsonBody() },
        body: JSON.stringify(body),
      });
      expect(c.status, `${field}: ${c.text}`).toBe(400);
      expect(JSON.stringify(c.json?.error), field).toContain(field);
    }
    const up = multipart({ blast_tag: 'nul', message: 'Hi' }, { name: 'file', content: `phone,name\n${PHONES[0]},A\u0000B\n` });
    const r2 = await request(t.server.port, '/api/blasts/upload', {
      method: 'POST',
      headers: { ...t.auth, 'content-type': up.type },
      body: up.body,
    });
    expect(r2.status, r2.text).toBe(400);
    expect(await blastCount(t)).toBe(before);
  });

  it('answers 2xx to a webhook carrying a NUL byte beside a valid event, applies the valid one, and again on retry', async () => {
    const t = target();
    // Without WEBHOOK_SECRET webhooks are refused outright (README): nothing to poison, and no forging.
    if (!t.secret) {
      const r = await request(t.server.port, '/webhooks/wsapme', {
        method: 'POST',
        headers: jsonBody(),
        body: JSON.stringify({ messageId: 'x\u0000', status: 'READ' }),
      });
      expect(r.status, r.text).toBe(401);
      expect(r.json?.error?.code).toEqual(expect.any(String));
      return;
    }
    const id = await createBlast(t, [PHONES[2]!]);
    const recipients = await sendAndSettle(t, id);
    const messageId = recipients.find((r) => r.message_id)?.message_id;
    expect(messageId).toEqual(expect.any(String));
    const body = JSON.stringify([
      { messageId: 'poison\u0000id', status: 'READ', note: 'x\u0000y' },
      { messageId, status: 'READ' },
    ]);
    const path = t.secret ? `/webhooks/wsapme?token=${t.secret}` : '/webhooks/wsapme';
    for (let i = 0; i < 2; i++) {
      const r = await request(t.server.port, path, { method: 'POST', headers: jsonBody(), body });
      expect(r.status, r.text).toBeGreaterThanOrEqual(200);
      expect(r.status, r.text).toBeLessThan(300);
    }
    const after = await request(t.server.port, `/api/blasts/${id}/recipients?limit=100`, { headers: t.auth });
    const list = Array.isArray(after.json) ? after.json : (after.json.recipients ?? after.json.items);
    expect(list[0].status).toMatch(/READ|REPLIED|CLOSED/);
  });

  it('answers an undecodable path in the {error:{code,message}} shape', async () => {
    const t = target();
    const r = await request(t.server.port, '/api/%E0%A4%A', { headers: t.auth });
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(r.status).toBeLessThan(500);
    expect(r.json?.error?.code).toEqual(expect.any(String));
    expect(r.json?.error?.message).toEqual(expect.any(String));
  });

  it("answers Fastify's own errors (bad JSON, unsupported content type) in the {error:{code,message}} shape", async () => {
    const t = target();
    const bad = await request(t.server.port, '/api/opt-outs', {
      method: 'POST',
      headers: { ...t.auth, ...jsonBody() },
      body: '{"phone":',
    });
    expect(bad.status).toBe(400);
    expect(bad.json?.error?.code, bad.text).toEqual(expect.any(String));
    expect(bad.json?.error?.message).toEqual(expect.any(String));
    const type = await request(t.server.port, '/api/opt-outs', {
      method: 'POST',
      headers: { ...t.auth, 'content-type': 'application/x-evil' },
      body: 'x',
    });
    expect(type.status).toBe(415);
    expect(type.json?.error?.code, type.text).toEqual(expect.any(String));
  });

  it('refuses JSON bodies over the documented caps with 413 (1 MB; a blast 16 MB)', async () => {
    const t = target();
    const before = await blastCount(t);
    const big = await oversized(t.server.port, '/api/opt-outs', '{"phone":"+60137770008","pad":"', 2 * 1024 * 1024, t.auth);
    // 413, or the upload cut off before an answer (the server closes without draining the body).
    expect([413, 0], big.text).toContain(big.status);
    if (big.status === 413) expect(big.json?.error?.code, big.text).toEqual(expect.any(String));
    const optOuts = await request(t.server.port, '/api/opt-outs', { headers: t.auth });
    expect(optOuts.status).toBe(200);
    expect(optOuts.text).not.toContain('137770008');
    const blast = `{"blast_tag":"big","recipients":["${PHONES[0]}"],"message":"Hi","follow_up_stage":"Initial","pad":"`;
    const huge = await oversized(t.server.port, '/api/blasts', blast, 17 * 1024 * 1024, t.auth);
    expect([413, 0], huge.text).toContain(huge.status);
    expect(await blastCount(t)).toBe(before);
  });
}

/** Opens `cap + 1` SSE streams; the last must be 503 too_many_streams. Closes them all after. */
async function probeStreamCap(t: Target, cap: number): Promise<void> {
  const id = await createBlast(t, [PHONES[3]!]);
  const open: http.ClientRequest[] = [];
  const openStream = () =>
    new Promise<{ status: number; body: Promise<string> }>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: t.server.port,
          path: `/api/blasts/${id}/events`,
          headers: { host: `localhost:${t.server.port}`, accept: 'text/event-stream', ...t.auth },
          agent: false,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', () => undefined);
          resolve({ status: res.statusCode ?? 0, body: new Promise((r) => res.on('end', () => r(Buffer.concat(chunks).toString()))) });
        },
      );
      req.on('error', (e) => (open.includes(req) ? undefined : reject(e)));
      open.push(req);
      req.end();
    });
  try {
    for (let i = 0; i < cap; i++) expect((await openStream()).status, `stream ${i + 1}`).toBe(200);
    const extra = await openStream();
    expect(extra.status).toBe(503);
    expect(await extra.body).toContain('too_many_streams');
  } finally {
    for (const req of open) req.destroy();
  }
}

/** Every leak of a secret or a number in the log, with a little context, so a failure says where. */
function scanLogs(logs: string[], secrets: string[], phones = PHONES): void {
  const all = logs.join('\n');
  // The error paths were really logged (the scan is not over an empty log).
  expect(logs.some((l) => l.includes('"level":50'))).toBe(true);
  const leaks: string[] = [];
  const note = (what: string, at: number, len: number) => leaks.push(`${what}: …${all.slice(Math.max(0, at - 60), at + len + 20)}…`);
  for (const secret of secrets)
    for (let at = all.indexOf(secret); at >= 0; at = all.indexOf(secret, at + 1)) note(`secret ${secret.slice(0, 4)}…`, at, secret.length);
  for (const p of phones) {
    // The subscriber digits in any spelling: +60…, 60…, 0…, %2B60…, 013-777 0001, 013%20777%200001.
    const digits = p.slice(4).split('');
    const re = new RegExp(digits.join('(?:[^0-9]|%[0-9A-F]{2}){0,3}'), 'gi');
    for (const m of all.matchAll(re)) note(`number ${p}`, m.index ?? 0, m[0].length);
  }
  expect(leaks).toEqual([]);
}

/** Makes writes to `table` fail inside the database, for a few requests (a 5xx path carrying data). */
async function withFailingInserts(dbUrl: string, table: string, run: () => Promise<void>): Promise<void> {
  await dbQuery(
    dbUrl,
    `CREATE OR REPLACE FUNCTION probe_boom() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'probe failure'; END $$`,
  );
  await dbQuery(
    dbUrl,
    `CREATE TRIGGER probe_boom BEFORE INSERT OR UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION probe_boom()`,
  );
  try {
    await run();
  } finally {
    await dbQuery(dbUrl, `DROP TRIGGER IF EXISTS probe_boom ON ${table}`);
  }
}

/** Opt-out writes failing in the database: the number is in the body, then in the URL, of a 5xx. */
async function optOutFailures(t: Target): Promise<void> {
  // The signed-in browser's cookie rides along, so a failure's log line could carry it.
  const headers = { ...t.auth, ...t.browser, 'content-type': 'application/json' };
  const added = await request(t.server.port, '/api/opt-outs', { method: 'POST', headers, body: JSON.stringify({ phone: PHONES[3] }) });
  expect(added.status, added.text).toBeLessThan(300);
  await withFailingInserts(t.dbUrl, 'opt_outs', async () => {
    const del2 = await request(t.server.port, `/api/opt-outs/${PHONES[3]!.slice(1)}`, { method: 'DELETE', headers: t.auth });
    expect(del2.status, del2.text).toBeGreaterThanOrEqual(500);
    const d = await request(t.server.port, `/api/opt-outs/0${PHONES[3]!.slice(3)}`, {
      method: 'DELETE',
      headers: { ...t.auth, ...t.browser },
    });
    expect(d.status, d.text).toBeGreaterThanOrEqual(500);
    const add = await request(t.server.port, '/api/opt-outs', { method: 'POST', headers, body: JSON.stringify({ phone: PHONES[2] }) });
    expect(add.status, add.text).toBeGreaterThanOrEqual(500);
  });
}

/** A number only the URL-spelling probe uses, so its leaks are told apart from the whole-log scan's. */
const URL_PHONE = '+60137770009';

/**
 * A failed request whose path holds a number, spelled as clients do in a URL (percent-encoded '+',
 * spaces, dashes): the logged URL must mask it like the bare spellings. Scans only its own lines.
 */
async function probeNumberInFailedUrl(t: Target): Promise<void> {
  const headers = { ...t.auth, 'content-type': 'application/json' };
  const added = await request(t.server.port, '/api/opt-outs', { method: 'POST', headers, body: JSON.stringify({ phone: URL_PHONE }) });
  expect(added.status, added.text).toBeLessThan(300);
  const from = t.server.logs.length;
  const spellings = [encodeURIComponent(URL_PHONE), URL_PHONE, '013-777%200009', '013%20777%200009', '+60%2013-777%200009'];
  await withFailingInserts(t.dbUrl, 'opt_outs', async () => {
    for (const spelling of spellings) {
      const d = await request(t.server.port, `/api/opt-outs/${spelling}`, { method: 'DELETE', headers: t.auth });
      expect(d.status, `${spelling}: ${d.text}`).toBeGreaterThanOrEqual(500);
    }
  });
  // Wait (by progress) for the failures' log lines to arrive through the pipe.
  const deadline = Date.now() + 10_000;
  const failed = () => t.server.logs.slice(from).filter((l) => l.includes('"method":"DELETE"')).length;
  while (failed() < spellings.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  expect(failed()).toBe(spellings.length);
  scanLogs(t.server.logs.slice(from), [], [URL_PHONE]);
}

// The dashboard is served from web/dist, which `npm start` builds when missing or stale: so do we.
beforeAll(() => {
  if (stale().includes('web')) buildWeb();
}, 180_000);

// ---------------------------------------------------------------------------------------------------
describe('(A) nothing configured, as npm start', () => {
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let t: Target;

  beforeAll(async () => {
    db = await freshDatabase();
    const port = await freePort();
    // No HOST, no API_TOKEN, no WSAPME_BASE_URL: the defaults an operator gets from `npm start`.
    t = { server: await serve({ PORT: String(port), DATABASE_URL: db.url, LOG_LEVEL: 'info' }), auth: {}, dbUrl: db.url, browser: {} };
  }, 120_000);

  afterAll(async () => {
    await stop(t?.server);
    await db?.drop();
  });

  it('listens on loopback only: the other interface refuses the connection', async () => {
    expect(OTHER_ADDRESS, 'this machine has a non-loopback IPv4 address').toBeDefined();
    const ok = await request(t.server.port, '/healthz');
    expect(ok.status).toBe(200);
    await expect(request(t.server.port, '/api/blasts', { address: OTHER_ADDRESS })).rejects.toThrow(/ECONNREFUSED|EHOSTUNREACH|ETIMEDOUT/);
  });

  it('still serves the dashboard on http://localhost:PORT/ with 200 HTML', async () => {
    const res = await fetch(`http://localhost:${t.server.port}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(await res.text()).toMatch(/<html/i);
  });

  it('still lets a same-origin browser and a script (no Origin) create a blast', async () => {
    const before = await blastCount(t);
    await createBlast(t);
    const r = await request(t.server.port, '/api/blasts', {
      method: 'POST',
      headers: { origin: `http://localhost:${t.server.port}`, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' },
      body: JSON.stringify({ blast_tag: 'own page', recipients: [PHONES[0]], message: 'Hi', follow_up_stage: 'Initial' }),
    });
    expect(r.status, r.text).toBe(201);
    expect(await blastCount(t)).toBe(before + 2);
  });

  crossSiteProbes(() => t);
  inputProbes(() => t);

  it('caps SSE streams at the documented default (100): the 101st gets 503', async () => {
    await probeStreamCap(t, 100);
  });

  it('masks a number in the logged URL of a failed request in every URL spelling (%2B60…, 013-777%20…)', async () => {
    await probeNumberInFailedUrl(t);
  });

  it('keeps recipient numbers out of the whole log, a database error included', async () => {
    const id = await createBlast(t, PHONES);
    await sendAndSettle(t, id);
    await withFailingInserts(t.dbUrl, 'blast_recipients', async () => {
      const r = await request(t.server.port, '/api/blasts', {
        method: 'POST',
        headers: jsonBody(),
        body: JSON.stringify({ blast_tag: 'fail', recipients: PHONES, message: 'Hi {{name}}', follow_up_stage: 'Initial' }),
      });
      expect(r.status).toBeGreaterThanOrEqual(500);
      expect(r.text).not.toContain('37770001');
    });
    await request(t.server.port, `/api/contacts/${encodeURIComponent(PHONES[0]!)}`);
    await request(t.server.port, `/api/blasts/${id}/recipients?phone=0137770001`);
    await optOutFailures(t);
    await stop(t.server);
    scanLogs(t.server.logs, []);
  });
});

// ---------------------------------------------------------------------------------------------------
describe('(B) configured for a network: HOST=0.0.0.0, API_TOKEN, WEBHOOK_SECRET, PUBLIC_URL', () => {
  const TOKEN = randomBytes(32).toString('hex');
  const SECRET = randomBytes(24).toString('hex');
  let db: Awaited<ReturnType<typeof freshDatabase>>;
  let t: Target;
  let env: Record<string, string>;
  /** Signs in with the token, as the dashboard's sign-in form does. */
  const signIn = () =>
    request(t.server.port, '/api/session', { method: 'POST', headers: jsonBody(), body: JSON.stringify({ token: TOKEN }) });

  beforeAll(async () => {
    db = await freshDatabase();
    const port = await freePort();
    env = {
      PORT: String(port),
      DATABASE_URL: db.url,
      HOST: '0.0.0.0',
      API_TOKEN: TOKEN,
      WEBHOOK_SECRET: SECRET,
      PUBLIC_URL: 'https://wablast.example',
      // The probe itself (127.0.0.1) plays the TLS proxy; the other interface is an untrusted client.
      TRUST_PROXY: '127.0.0.1',
      MAX_LONG_REQUESTS: '4',
      LOG_LEVEL: 'info',
    };
    t = { server: await serve(env), auth: { authorization: `Bearer ${TOKEN}` }, dbUrl: db.url, secret: SECRET, browser: {} };
    const cookie = sessionCookie(await signIn());
    if (cookie) t.browser = { cookie };
  }, 120_000);

  afterAll(async () => {
    await stop(t?.server);
    await db?.drop();
  });

  it('refuses to start on 0.0.0.0 without API_TOKEN: exit ≠ 0, one line naming HOST and API_TOKEN', async () => {
    const p = startProcess({ ...env, PORT: String(await freePort()), API_TOKEN: '' });
    const code = await p.exited;
    expect(code).not.toBe(0);
    expect(p.logs.some((l) => l.includes('API_TOKEN') && l.includes('HOST'))).toBe(true);
    expect(p.logs.filter((l) => /^\s+at /.test(l))).toEqual([]);
    expect(p.logs.length).toBeLessThanOrEqual(3);
  });

  it('refuses to start with a short API_TOKEN, naming it without echoing it', async () => {
    const SHORT = 'shorttok9q7';
    const p = startProcess({ ...env, PORT: String(await freePort()), API_TOKEN: SHORT });
    const code = await p.exited;
    expect(code).not.toBe(0);
    expect(p.logs.some((l) => l.includes('API_TOKEN'))).toBe(true);
    expect(p.logs.join('\n')).not.toContain(SHORT);
    expect(p.logs.filter((l) => /^\s+at /.test(l))).toEqual([]);
    expect(p.logs.length).toBeLessThanOrEqual(3);
  });

  it('answers 401 without credentials on /api, /metrics and /docs (and 200 with the token)', async () => {
    for (const path of ['/api/blasts', '/metrics', '/docs', '/docs/json', '/api/blasts/1/events']) {
      const r = await request(t.server.port, path);
      expect(r.status, path).toBe(401);
    }
    expect((await request(t.server.port, '/api/blasts', { headers: t.auth })).status).toBe(200);
    expect((await request(t.server.port, '/metrics', { headers: t.auth })).status).toBe(200);
    expect((await request(t.server.port, '/api/blasts', { headers: { authorization: `Bearer ${'f'.repeat(64)}` } })).status).toBe(401);
  });

  it('sign-in issues an HttpOnly SameSite session cookie that works until sign-out revokes it', async () => {
    const signedIn = await signIn();
    expect(signedIn.status, signedIn.text).toBeLessThan(300);
    const setCookie = sessionSetCookie(signedIn);
    expect(setCookie).toBeDefined();
    expect(setCookie).toMatch(/;\s*HttpOnly/i);
    expect(setCookie).toMatch(/;\s*SameSite=(Strict|Lax)/i);
    const cookie = setCookie!.split(';')[0]!;
    expect(cookie).not.toContain(TOKEN);
    // The session ends: the browser is told so too (at most the documented 7 days).
    const maxAge = /;\s*Max-Age=(\d+)/i.exec(setCookie!)?.[1];
    const expires = /;\s*Expires=([^;]+)/i.exec(setCookie!)?.[1];
    expect(maxAge ?? expires, 'cookie has Max-Age or Expires').toBeDefined();
    if (maxAge) expect(Number(maxAge)).toBeLessThanOrEqual(7 * 86_400);
    // A second sign-in gets a different cookie: it is not a fixed hash of the token.
    const again = await signIn();
    const cookie2 = sessionCookie(again)!;
    expect(cookie2).not.toBe(cookie);
    const self = { cookie, origin: `http://localhost:${t.server.port}` };
    expect((await request(t.server.port, '/api/blasts', { headers: { cookie } })).status).toBe(200);
    const out = await request(t.server.port, '/api/session', { method: 'DELETE', headers: self });
    expect(out.status, out.text).toBeLessThan(300);
    const after = await request(t.server.port, '/api/blasts', { headers: { cookie } });
    expect(after.status).toBe(401);
  });

  it('gives a __Host- Secure cookie when X-Forwarded-Proto: https comes from the trusted proxy, not from anyone else', async () => {
    const viaProxy = await request(t.server.port, '/api/session', {
      method: 'POST',
      headers: { ...jsonBody(), 'x-forwarded-proto': 'https', host: 'wablast.example', origin: 'https://wablast.example' },
      body: JSON.stringify({ token: TOKEN }),
    });
    expect(viaProxy.status, viaProxy.text).toBeLessThan(300);
    const c = sessionSetCookie(viaProxy);
    expect(c).toMatch(/^__Host-wablast_session=/);
    expect(c).toMatch(/;\s*Secure/i);
    expect(c).toMatch(/;\s*Path=\//i);
    expect(c).not.toMatch(/;\s*Domain=/i);
    expect(c).toMatch(/;\s*HttpOnly/i);
    // The same header sent by an untrusted client does not make the server believe it is on TLS.
    const forged = await request(t.server.port, '/api/session', {
      method: 'POST',
      address: OTHER_ADDRESS,
      headers: { ...jsonBody(), 'x-forwarded-proto': 'https' },
      body: JSON.stringify({ token: TOKEN }),
    });
    expect(forged.status, forged.text).toBeLessThan(300);
    const fc = sessionSetCookie(forged);
    expect(fc).toMatch(/^wablast_session=/);
  });

  it('refuses a cookie-authenticated POST from another port of the same host (Origin: http://localhost:8080)', async () => {
    const cookie = sessionCookie(await signIn())!;
    const before = await blastCount(t);
    const body = JSON.stringify({ blast_tag: 'x', recipients: [PHONES[0]], message: 'Hi', follow_up_stage: 'Initial' });
    const form = multipart({ blast_tag: 'evil', message: 'pwned', follow_up_stage: 'Initial', recipients: PHONES[0]! });
    const evil = await request(t.server.port, '/api/blasts', {
      method: 'POST',
      headers: { cookie, origin: 'http://localhost:8080', 'sec-fetch-site': 'same-site', 'content-type': form.type },
      body: form.body,
    });
    expect(evil.status).toBe(403);
    const evilJson = await request(t.server.port, '/api/blasts', {
      method: 'POST',
      headers: { cookie, origin: 'http://localhost:8080', 'content-type': 'application/json' },
      body,
    });
    expect(evilJson.status).toBe(403);
    // A browser that sends the cookie but no Origin on a POST is not trusted either.
    const noOrigin = await request(t.server.port, '/api/blasts', {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body,
    });
    expect(noOrigin.status).toBe(403);
    expect(await blastCount(t)).toBe(before);
    // Control: the dashboard's own origin with the same cookie works.
    const own = await request(t.server.port, '/api/blasts', {
      method: 'POST',
      headers: { cookie, origin: `http://localhost:${t.server.port}`, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' },
      body,
    });
    expect(own.status, own.text).toBe(201);
  });

  it('refuses a session past its expiry, and stores no usable cookie value', async () => {
    const cookie = sessionCookie(await signIn())!;
    expect((await request(t.server.port, '/api/blasts', { headers: { cookie } })).status).toBe(200);
    const value = decodeURIComponent(cookie.slice(cookie.indexOf('=') + 1));
    const rows = await dbQuery(t.dbUrl, 'SELECT id_hash FROM sessions');
    for (const r of rows) expect(value).not.toContain(String(r.id_hash));
    // Seven days pass for this one session (the newest): the database says it has expired.
    await dbQuery(
      t.dbUrl,
      "UPDATE sessions SET expires_at = now() - interval '1 minute' WHERE created_at = (SELECT max(created_at) FROM sessions)",
    );
    expect((await request(t.server.port, '/api/blasts', { headers: { cookie } })).status).toBe(401);
  });

  it('refuses a webhook without the secret or with a wrong one, in every place the secret may go', async () => {
    const body = JSON.stringify({ messageId: 'forged-1', status: 'READ' });
    const wrong = SECRET.slice(0, -1) + (SECRET.endsWith('0') ? '1' : '0');
    for (const [path, headers] of [
      ['/webhooks/wsapme', {}],
      [`/webhooks/wsapme?token=${wrong}`, {}],
      [`/webhooks/wsapme/${wrong}`, {}],
      ['/webhooks/wsapme', { 'x-webhook-secret': TOKEN }],
      [`/webhooks/wsapme?token=${TOKEN}`, {}],
    ] as Array<[string, Record<string, string>]>) {
      const r = await request(t.server.port, path, { method: 'POST', headers: { ...jsonBody(), ...headers }, body });
      expect(r.status, path.replace(wrong, '<wrong secret>')).toBe(401);
    }
  });

  it('sends security headers on the dashboard and on /docs', async () => {
    const pages: Array<[string, Reply]> = [['/', await request(t.server.port, '/', { headers: t.auth })]];
    let docs = await request(t.server.port, '/docs', { headers: t.auth });
    if (docs.status >= 300 && docs.status < 400 && docs.headers.location) {
      const loc = new URL(docs.headers.location, `http://localhost:${t.server.port}/docs`).pathname;
      docs = await request(t.server.port, loc, { headers: t.auth });
    }
    pages.push(['/docs', docs]);
    for (const [path, r] of pages) {
      expect(r.status, path).toBe(200);
      const csp = String(r.headers['content-security-policy'] ?? '');
      expect(csp, `${path} has a CSP`).not.toBe('');
      const scriptSrc = /(?:^|;)\s*script-src([^;]*)/.exec(csp)?.[1] ?? /(?:^|;)\s*default-src([^;]*)/.exec(csp)?.[1] ?? '';
      expect(scriptSrc, `${path} script-src`).not.toBe('');
      expect(scriptSrc, `${path} script-src`).not.toContain("'unsafe-inline'");
      const unframeable = /frame-ancestors\s+'none'/.test(csp) || String(r.headers['x-frame-options']).toUpperCase() === 'DENY';
      expect(unframeable, `${path} unframeable`).toBe(true);
      expect(r.headers['x-content-type-options'], path).toBe('nosniff');
      expect(r.headers['referrer-policy'], path).toBeDefined();
    }
  });

  crossSiteProbes(() => t);
  inputProbes(() => t);

  it('caps SSE streams at MAX_LONG_REQUESTS (4): the 5th gets 503', async () => {
    await probeStreamCap(t, 4);
  });

  it('counts ?wait=true requests in the same cap: with 4 streams open a waiting send gets 503 and sends nothing', async () => {
    const id = await createBlast(t, [PHONES[1]!]);
    const state = await blastState(t, id);
    const other = await createBlast(t, [PHONES[0]!]);
    const open: http.ClientRequest[] = [];
    try {
      for (let i = 0; i < 4; i++) {
        const status = await new Promise<number>((resolve, reject) => {
          const req = http.request(
            {
              host: '127.0.0.1',
              port: t.server.port,
              path: `/api/blasts/${other}/events`,
              headers: { host: `localhost:${t.server.port}`, ...t.auth },
              agent: false,
            },
            (res) => {
              res.on('error', () => undefined);
              res.resume();
              resolve(res.statusCode ?? 0);
            },
          );
          req.on('error', (e) => (open.includes(req) ? undefined : reject(e)));
          open.push(req);
          req.end();
        });
        expect(status).toBe(200);
      }
      const waiter = await request(t.server.port, `/api/blasts/${id}/send?wait=true`, { method: 'POST', headers: t.auth });
      expect(waiter.status, waiter.text).toBe(503);
      expect(waiter.text).toContain('too_many_streams');
      expect(await blastState(t, id)).toEqual(state);
    } finally {
      for (const req of open) req.destroy();
    }
  });

  it('rate-limits wrong sign-ins: 429 by the 12th guess, and then even the right token waits', async () => {
    // From the other interface: its own client address, so the probes above are not locked out.
    expect(OTHER_ADDRESS).toBeDefined();
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const r = await request(t.server.port, '/api/session', {
        method: 'POST',
        address: OTHER_ADDRESS,
        headers: jsonBody(),
        body: JSON.stringify({ token: randomBytes(32).toString('hex') }),
      });
      statuses.push(r.status);
    }
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
    expect(statuses[11]).toBe(429);
    const right = await request(t.server.port, '/api/session', {
      method: 'POST',
      address: OTHER_ADDRESS,
      headers: jsonBody(),
      body: JSON.stringify({ token: TOKEN }),
    });
    expect(right.status).toBe(429);
    // Made-up X-Forwarded-For from a client that is not the trusted proxy buys no fresh guesses.
    const spread = await request(t.server.port, '/api/session', {
      method: 'POST',
      address: OTHER_ADDRESS,
      headers: { ...jsonBody(), 'x-forwarded-for': '203.0.113.99' },
      body: JSON.stringify({ token: randomBytes(32).toString('hex') }),
    });
    expect(spread.status).toBe(429);
    // Another client (the loopback one) is not locked out by these guesses.
    expect((await request(t.server.port, '/api/blasts', { headers: t.auth })).status).toBe(200);
  });

  it('rate-limits wrong Bearer tokens per client behind the trusted proxy: 429 by the 12th, other clients unaffected', async () => {
    const guess = (xff: string, token = randomBytes(32).toString('hex')) =>
      request(t.server.port, '/api/blasts', { headers: { authorization: `Bearer ${token}`, 'x-forwarded-for': xff } });
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await guess('203.0.113.7')).status);
    expect(statuses[0]).toBe(401);
    expect(statuses[11]).toBe(429);
    expect((await guess('203.0.113.7', TOKEN)).status).toBe(429);
    expect((await guess('203.0.113.8', TOKEN)).status).toBe(200);
  });

  it('masks a number in the logged URL of a failed request in every URL spelling (%2B60…, 013-777%20…)', async () => {
    await probeNumberInFailedUrl(t);
  });

  it('keeps the token, the webhook secret and every number out of the whole log, 5xx paths included', async () => {
    const id = await createBlast(t, PHONES);
    await sendAndSettle(t, id);
    const status = JSON.stringify({ messageId: 'unknown-id-1', status: 'DELIVERY_ACK' });
    const reply = JSON.stringify({ type: 'text', message: 'STOP?', from: `${PHONES[1]!.slice(1)}@s.whatsapp.net` });
    for (const path of [`/webhooks/wsapme?token=${SECRET}`, `/webhooks/wsapme/${SECRET}`]) {
      expect((await request(t.server.port, path, { method: 'POST', headers: jsonBody(), body: status })).status).toBeLessThan(300);
      expect((await request(t.server.port, path, { method: 'POST', headers: jsonBody(), body: reply })).status).toBeLessThan(300);
    }
    // Wrong secret in both places, and the webhook failing in the database (a 5xx answer).
    await request(t.server.port, `/webhooks/wsapme?token=${SECRET}x`, { method: 'POST', headers: jsonBody(), body: status });
    await request(t.server.port, `/webhooks/wsapme/${SECRET}x`, { method: 'POST', headers: jsonBody(), body: status });
    await withFailingInserts(t.dbUrl, 'webhook_requests', async () => {
      for (const path of [`/webhooks/wsapme?token=${SECRET}`, `/webhooks/wsapme/${SECRET}`]) {
        const r = await request(t.server.port, path, { method: 'POST', headers: jsonBody(), body: reply });
        expect(r.status, path).toBeGreaterThanOrEqual(500);
      }
    });
    await withFailingInserts(t.dbUrl, 'blast_recipients', async () => {
      const r = await request(t.server.port, '/api/blasts', {
        method: 'POST',
        headers: { ...t.auth, ...jsonBody() },
        body: JSON.stringify({ blast_tag: 'fail', recipients: PHONES, message: 'Hi', follow_up_stage: 'Initial' }),
      });
      expect(r.status).toBeGreaterThanOrEqual(500);
      expect(r.text).not.toContain('37770001');
    });
    // The token in the places a client could put it: header, cookie, query.
    await request(t.server.port, `/api/blasts?token=${TOKEN}`, { headers: { ...t.auth, cookie: `wablast_session=${TOKEN}` } });
    await request(t.server.port, `/api/contacts/${encodeURIComponent(PHONES[0]!)}`, { headers: t.auth });
    await optOutFailures(t);
    await stop(t.server);
    expect(t.server.logs.some((l) => l.includes('/webhooks/wsapme'))).toBe(true);
    const cookieValue = t.browser.cookie?.split('=')[1];
    expect(cookieValue).toBeDefined();
    scanLogs(t.server.logs, [TOKEN, SECRET, decodeURIComponent(cookieValue!)]);
  });

  it('refuses a session cookie issued under a previous API_TOKEN after the token changes', async () => {
    expect(t.browser.cookie).toBeDefined();
    await stop(t.server);
    const NEW_TOKEN = randomBytes(32).toString('hex');
    t.server = await serve({ ...env, API_TOKEN: NEW_TOKEN });
    expect((await request(t.server.port, '/api/blasts', { headers: { authorization: `Bearer ${NEW_TOKEN}` } })).status).toBe(200);
    expect((await request(t.server.port, '/api/blasts', { headers: { cookie: t.browser.cookie! } })).status).toBe(401);
    expect((await request(t.server.port, '/api/blasts', { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(401);
  });
});
