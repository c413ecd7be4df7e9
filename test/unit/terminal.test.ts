import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/log.ts';
import { formatLogLine, humanLogStream } from '../../src/terminal/humanLog.ts';
import { listenHint } from '../../src/terminal/listenHint.ts';
import { type BannerFacts, startBanner } from '../../src/terminal/startBanner.ts';

/** A terminal's worth of output, kept. */
function screen(): { out: Writable; text: () => string } {
  let text = '';
  const out = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      done();
    },
  });
  return { out, text: () => text };
}

describe('human log lines', () => {
  it('shows the local time, the level, the component, the message and the other fields; no epoch milliseconds', () => {
    const at = new Date(2026, 10, 30, 9, 41, 7).getTime(); // 09:41:07 in this machine's zone
    const line = formatLogLine(
      JSON.stringify({ level: 30, time: at, component: 'engine', msg: 'blast #3 finished', blast: 3, note: 'two words' }),
      { color: false },
    );
    expect(line).toBe('09:41:07 INFO  engine  blast #3 finished  blast=3 note="two words"\n');
    expect(line).not.toContain(String(at));
  });

  it('gives an error its message, and its stack only from ERROR up', () => {
    const err = { type: 'Error', code: 'ECONNRESET', message: 'socket hang up', stack: '    at x (y.ts:1:1)' };
    const warn = formatLogLine(JSON.stringify({ level: 40, time: 0, msg: 'retrying', err }), { color: false });
    expect(warn).toContain('err="Error ECONNRESET: socket hang up"');
    expect(warn).not.toContain('at x');
    expect(formatLogLine(JSON.stringify({ level: 50, time: 0, msg: 'failed', err }), { color: false })).toContain(
      '\n    at x (y.ts:1:1)\n',
    );
  });

  it('colours the level only when asked', () => {
    const rec = JSON.stringify({ level: 40, time: 0, msg: 'held' });
    expect(formatLogLine(rec, { color: true })).toContain('\x1b[33mWARN \x1b[0m');
    expect(formatLogLine(rec, { color: false })).not.toContain('\x1b[');
  });

  it('passes a line that is not JSON through', () => {
    expect(formatLogLine('plain words', { color: false })).toBe('plain words\n');
  });

  it("keeps the logger's redaction and masking: it formats what pino already scrubbed", () => {
    const s = screen();
    const log = createLogger('info', humanLogStream(s.out, { color: false }));
    log
      .child({ component: 'gateway' })
      .warn({ token: 'sekrit-token-123', to: '+60123456789', headers: { authorization: 'Bearer abc' } }, 'refused +60123456789');
    const text = s.text();
    expect(text).toMatch(/^\d\d:\d\d:\d\d WARN {2}gateway {2}refused \+6012\*\*\*\*789/);
    expect(text).not.toContain('sekrit-token-123');
    expect(text).not.toContain('Bearer abc');
    expect(text).not.toContain('23456789');
  });
});

describe('start-up banner', () => {
  const facts: BannerFacts = {
    version: '1.2.3',
    url: 'http://127.0.0.1:3000',
    publicUrl: undefined,
    role: 'all',
    simulator: true,
    gatewayUrl: undefined,
    database: 'pglite',
    dataDir: './data',
    webhookUrlMasked: null,
  };

  it('says where the dashboard and the docs are, in plain lines, and the mode', () => {
    const lines = startBanner(facts).split('\n');
    expect(lines).toContain('  Dashboard  http://127.0.0.1:3000/');
    expect(lines).toContain('  API docs   http://127.0.0.1:3000/docs');
    expect(lines.join('\n')).toMatch(/Gateway\s+SIMULATOR/);
    expect(lines.join('\n')).toMatch(/Database\s+embedded PGlite in \.\/data/);
  });

  it('with the real gateway and PostgreSQL: says so, shows the public address and the masked webhook URL', () => {
    const text = startBanner({
      ...facts,
      simulator: false,
      gatewayUrl: 'https://api.wsapme.example',
      database: 'postgres',
      publicUrl: 'https://blast.example.com',
      webhookUrlMasked: 'https://blast.example.com/webhooks/wsapme/ab…yz',
    });
    expect(text).toContain('Dashboard     https://blast.example.com/');
    expect(text).toContain('Listening on  http://127.0.0.1:3000');
    expect(text).toMatch(/Gateway\s+WSAPME at https:\/\/api\.wsapme\.example/);
    expect(text).toMatch(/Database\s+PostgreSQL/);
    expect(text).toMatch(/Webhook URL\s+https:\/\/blast\.example\.com\/webhooks\/wsapme\/ab…yz/);
  });

  it('an engine-only process without PORT says it does not listen', () => {
    expect(startBanner({ ...facts, url: '', role: 'engine' })).toMatch(/HTTP\s+not listening/);
  });
});

describe('listen errors', () => {
  it('a busy port, a privileged port and a foreign address each get one line; anything else none', () => {
    expect(listenHint(Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' }), 3000, '127.0.0.1')).toBe(
      'port 3000 is in use — set PORT or stop the other process',
    );
    expect(listenHint({ code: 'EACCES' }, 80, '127.0.0.1')).toMatch(/port 80 needs administrator rights/);
    expect(listenHint({ code: 'EADDRNOTAVAIL' }, 3000, '10.9.9.9')).toMatch(/HOST 10\.9\.9\.9/);
    expect(listenHint(new Error('boom'), 3000, '127.0.0.1')).toBeNull();
  });
});

describe('wall clock of a zone', () => {
  it("shows an instant on the zone's clock, across a daylight-saving change, with the offset for headers", async () => {
    const { utcOffsetLabel, wallClock } = await import('../../src/domain/wallClock.ts');
    const kl = wallClock('Asia/Kuala_Lumpur');
    expect(kl('2026-11-30T01:05:09.000Z')).toBe('2026-11-30 09:05:09');
    expect(kl(null)).toBe('');
    const london = wallClock('Europe/London');
    // Clocks go forward at 01:00 UTC on 29 March 2026.
    expect(london('2026-03-29T00:59:59.000Z')).toBe('2026-03-29 00:59:59');
    expect(london('2026-03-29T01:00:00.000Z')).toBe('2026-03-29 02:00:00');
    expect(utcOffsetLabel('Asia/Kuala_Lumpur', Date.UTC(2026, 10, 30))).toBe('UTC+08:00');
    expect(utcOffsetLabel('America/St_Johns', Date.UTC(2026, 0, 15))).toBe('UTC-03:30');
  });
});
