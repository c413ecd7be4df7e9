import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.ts';

/** The ConfigError a bad environment raises (fails the test when none is raised). */
function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error(`expected a ConfigError for ${Object.keys(env).join(', ')}`);
}

describe('loadConfig', () => {
  it('applies the documented defaults to an empty environment', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      databaseUrl: undefined,
      dataDir: './data',
      port: 3000,
      apiToken: undefined,
      webhookSecret: undefined,
      phoneRegion: 'MY',
      maxRecipients: 100_000,
      pollMode: 'fallback',
      role: 'all',
      memoryMode: 'lean',
      gateway: {
        baseUrl: undefined,
        apiKey: undefined,
        apiKeyHeader: 'x-wsapme-token',
        device: '5850',
        statusPath: '/v1/getMessageStatus',
        statusBody: '{"device":"{device}","messageId":"{messageId}"}',
      },
      // No gateway URL: the simulator, no number at risk — the seed's speed.
      pacing: {
        preset: 'fast',
        rate: 1,
        burst: 1,
        jitterMs: 0,
        dailyCap: null,
        hourlyCap: null,
        window: null,
        timeZone: 'Asia/Kuala_Lumpur',
      },
    });
  });

  it('paces a real gateway safely unless told otherwise', () => {
    expect(loadConfig({ WSAPME_BASE_URL: 'https://gateway.example' }).pacing.preset).toBe('safe');
    expect(loadConfig({ WSAPME_BASE_URL: 'https://gateway.example', PACING_PRESET: 'fast' }).pacing.preset).toBe('fast');
    expect(loadConfig({ PACING_PRESET: 'warm-up' }).pacing.preset).toBe('warm-up');
  });

  it('reads every documented variable', () => {
    const c = loadConfig({
      DATABASE_URL: 'postgresql://u:p@db.example:5432/wablast?sslmode=require',
      DATA_DIR: '/var/lib/wablast',
      PORT: '8080',
      WSAPME_BASE_URL: 'https://gateway.example/api',
      WSAPME_API_KEY: 'key-123',
      WSAPME_DEVICE: '7777',
      WEBHOOK_SECRET: 'hook-secret',
      API_TOKEN: 'api-token-0123456789abcdef0123456789',
      HOST: '0.0.0.0',
      TRUST_PROXY: '1',
      SEND_RATE: '2.5',
      SEND_BURST: '4',
      SEND_JITTER_MS: '250',
      DAILY_CAP: '900',
      HOURLY_CAP: '60',
      PACING_PRESET: 'custom',
      SEND_WINDOW: 'mon-fri 09:00-18:00, sat 10:00-14:00',
      SEND_TIMEZONE: 'Asia/Singapore',
      SEND_MIN_GAP_MS: '5000',
      SEND_MAX_GAP_MS: '20000',
      PHONE_DEFAULT_REGION: 'SG',
      MAX_RECIPIENTS: '50',
      WSAPME_API_KEY_HEADER: 'x-api-key',
      WSAPME_STATUS_PATH: '/api/messageInfo',
      WSAPME_STATUS_BODY: '{"id_device":"{device}","jid":"{jid}","messages":{"key":{"id":"{messageId}"}}}',
    });
    expect(c).toMatchObject({
      databaseUrl: 'postgresql://u:p@db.example:5432/wablast?sslmode=require',
      dataDir: '/var/lib/wablast',
      port: 8080,
      webhookSecret: 'hook-secret',
      apiToken: 'api-token-0123456789abcdef0123456789',
      host: '0.0.0.0',
      trustProxy: 1,
      phoneRegion: 'SG',
      maxRecipients: 50,
      gateway: {
        baseUrl: 'https://gateway.example/api',
        apiKey: 'key-123',
        device: '7777',
        apiKeyHeader: 'x-api-key',
        statusPath: '/api/messageInfo',
        statusBody: '{"id_device":"{device}","jid":"{jid}","messages":{"key":{"id":"{messageId}"}}}',
      },
      pacing: {
        preset: 'custom',
        rate: 2.5,
        burst: 4,
        jitterMs: 250,
        dailyCap: 900,
        hourlyCap: 60,
        minGapMs: 5000,
        maxGapMs: 20000,
        window: 'mon-fri 09:00-18:00, sat 10:00-14:00',
        timeZone: 'Asia/Singapore',
      },
    });
  });

  it('returns a deeply frozen object', () => {
    const c = loadConfig({});
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.gateway)).toBe(true);
    expect(Object.isFrozen(c.pacing)).toBe(true);
    expect(() => {
      (c as { port: number }).port = 1;
    }).toThrow(TypeError);
    expect(() => {
      (c.pacing as { rate: number }).rate = 99;
    }).toThrow(TypeError);
  });

  it('treats a variable set to nothing as unset (PORT= in a .env file keeps port 3000)', () => {
    const c = loadConfig({
      PORT: '',
      SEND_RATE: ' ',
      DATA_DIR: '',
      HOST: '',
      API_TOKEN: '  ',
      DATABASE_URL: '',
      DAILY_CAP: '',
      WSAPME_DEVICE: '',
    });
    expect(c.port).toBe(3000);
    expect(c.pacing.rate).toBe(1);
    expect(c.dataDir).toBe('./data');
    expect(c.host).toBe('127.0.0.1');
    expect(c.apiToken).toBeUndefined();
    expect(c.databaseUrl).toBeUndefined();
    expect(c.pacing.dailyCap).toBeNull();
    expect(c.gateway.device).toBe('5850');
  });

  it('listens on loopback only unless HOST says otherwise', () => {
    expect(loadConfig({}).host).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '::1' }).host).toBe('::1');
    expect(loadConfig({ HOST: 'localhost' }).host).toBe('localhost');
  });

  it.each(['0.0.0.0', '::', '192.168.1.20', 'wablast.example'])('refuses HOST=%s without API_TOKEN, naming both', (host) => {
    const err = configError({ HOST: host });
    expect(err.message).toContain('HOST');
    expect(err.message).toContain('API_TOKEN');
    expect(loadConfig({ HOST: host, API_TOKEN: 'x'.repeat(32) }).host).toBe(host);
  });

  it('refuses an API_TOKEN shorter than 32 characters, naming it and saying how to make one', () => {
    const err = configError({ API_TOKEN: 'abc' });
    expect(err.message).toContain('API_TOKEN');
    expect(err.message).toContain('openssl rand -hex 32');
    expect(err.message).not.toContain('abc');
    expect(configError({ API_TOKEN: 'y'.repeat(31) }).message).toContain('API_TOKEN');
  });

  it('reads TRUST_PROXY as a boolean, a hop count or an address list', () => {
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: '10.0.0.1,10.0.0.2' }).trustProxy).toBe('10.0.0.1,10.0.0.2');
  });

  it('ignores variables it does not know', () => {
    expect(loadConfig({ HOME: '/root', PATH: '/usr/bin', SOMETHING_ELSE: 'x' }).port).toBe(3000);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['PORT', '3000.5'],
    ['DB_POOL_MAX', '0'],
    ['SEND_RATE', '0'],
    ['SEND_RATE', '-2'],
    ['SEND_RATE', 'fast'],
    ['SEND_RATE', 'Infinity'],
    ['SEND_BURST', '1.5'],
    ['SEND_JITTER_MS', '-5'],
    ['DAILY_CAP', '0'],
    ['DAILY_CAP', 'lots'],
    ['DAILY_CAP', '1.5'],
    ['HOURLY_CAP', '0'],
    ['PACING_PRESET', 'slow'],
    ['SEND_WINDOW', 'weekdays'],
    ['SEND_WINDOW', 'mon-sat 20:00-09:00'],
    ['SEND_TIMEZONE', 'Mars/Olympus'],
    ['SEND_MIN_GAP_MS', '-1'],
    ['MAX_RECIPIENTS', '0'],
    ['MAX_RECIPIENTS', 'many'],
    ['LOG_LEVEL', 'verbose'],
    ['MEMORY_MODE', 'small'],
    ['POLL_MODE', 'sometimes'],
    ['ROLE', 'worker'],
    ['PHONE_DEFAULT_REGION', 'my'],
    ['PHONE_DEFAULT_REGION', 'MYS'],
    ['PHONE_DEFAULT_REGION', 'XX'],
    ['PHONE_DEFAULT_REGION', 'UK'],
    ['WSAPME_TIMEOUT_MS', '0'],
    ['WSAPME_BASE_URL', 'not a url'],
    ['WSAPME_BASE_URL', 'ftp://gateway.example'],
    ['WSAPME_BASE_URL', 'javascript:alert(1)'],
    ['PUBLIC_URL', 'example.com'],
    ['DATABASE_URL', 'mysql://root@localhost/wablast'],
    ['REPLY_WINDOW_HOURS', '-1'],
    ['WSAPME_API_KEY_HEADER', 'x token'],
    ['WSAPME_STATUS_PATH', 'v1/status'],
    ['WSAPME_STATUS_BODY', '{device}'],
    ['WSAPME_STATUS_BODY', '[1,2]'],
  ])('%s=%j stops start-up with one line naming the variable', (name, value) => {
    const err = configError({ [name]: value });
    expect(err.message).toMatch(new RegExp(`^Invalid configuration: ${name}\\b`));
    expect(err.message).not.toContain('\n');
    expect(err.message.length).toBeLessThan(200);
  });

  it('names the first bad variable when several are wrong', () => {
    const err = configError({ PORT: 'abc', SEND_RATE: '0' });
    expect(err.message).not.toContain('\n');
    expect(err.message).toMatch(/PORT|SEND_RATE/);
  });

  it('never echoes the value, which may be a secret', () => {
    const secrets: Array<[string, string]> = [
      ['DATABASE_URL', 'mysql://admin:hunter2-s3cret@db.internal/wablast'],
      ['DATABASE_URL', 'hunter2-s3cret'],
      ['WSAPME_BASE_URL', 'hunter2-s3cret'],
      ['WSAPME_BASE_URL', 'ftp://admin:hunter2-s3cret@gateway'],
      ['PUBLIC_URL', 'hunter2-s3cret'],
      ['PORT', 'hunter2-s3cret'],
      ['LOG_LEVEL', 'hunter2-s3cret'],
      ['DAILY_CAP', 'hunter2-s3cret'],
      ['PHONE_DEFAULT_REGION', 'hunter2-s3cret'],
    ];
    for (const [name, value] of secrets) {
      const err = configError({ [name]: value, API_TOKEN: 'tok-hunter2-0123456789abcdef0123456789', WSAPME_API_KEY: 'key-hunter2' });
      expect(err.message, name).toContain(name);
      expect(err.message, name).not.toContain('hunter2');
      expect(err.message, name).not.toContain('s3cret');
    }
  });

  it('accepts http and https gateway URLs', () => {
    expect(loadConfig({ WSAPME_BASE_URL: 'http://127.0.0.1:9000' }).gateway.baseUrl).toBe('http://127.0.0.1:9000');
    expect(loadConfig({ WSAPME_BASE_URL: 'https://api.wsapme.example' }).gateway.baseUrl).toBe('https://api.wsapme.example');
  });

  it('accepts both postgres:// and postgresql:// URLs', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://localhost/x' }).databaseUrl).toBe('postgres://localhost/x');
    expect(loadConfig({ DATABASE_URL: 'postgresql://localhost/x' }).databaseUrl).toBe('postgresql://localhost/x');
  });

  it('LEASE_SECONDS: 30 by default, at least 1', () => {
    expect(loadConfig({}).leaseSeconds).toBe(30);
    expect(loadConfig({ LEASE_SECONDS: '4' }).leaseSeconds).toBe(4);
    expect(configError({ LEASE_SECONDS: '0.5' }).message).toContain('LEASE_SECONDS');
  });

  it('an engine-only process opens an HTTP port only when PORT is set', () => {
    expect(loadConfig({}).listen).toBe(true);
    expect(loadConfig({ ROLE: 'api' }).listen).toBe(true);
    expect(loadConfig({ ROLE: 'engine' }).listen).toBe(false);
    expect(loadConfig({ ROLE: 'engine', PORT: '0' })).toMatchObject({ listen: true, port: 0 });
    expect(loadConfig({ ROLE: 'engine' }).port).toBe(3000);
  });
});
