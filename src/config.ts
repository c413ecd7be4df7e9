import { join } from 'node:path';
import { isSupportedCountry } from 'libphonenumber-js/max';
import { z } from 'zod';
import { PACING_PRESETS, type PacingDefaults } from './domain/pacingRules.ts';
import { parseSendWindow } from './domain/sendWindow.ts';
import { isTimeZone } from './domain/stageFunnel.ts';

/**
 * Every environment variable wablast reads, parsed once at start-up. Nothing else in the service
 * touches process.env: the rest of the code receives this frozen object.
 */
const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

// http and https only: z.url() alone also takes ftp:, file: and javascript: URLs.
const httpUrl = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' });

const optionalCount = optionalString.pipe(
  z.string().regex(/^\d+$/, 'must be a whole number').transform(Number).pipe(z.number().int().positive()).optional(),
);
const positiveNumber = (fallback: number) => z.coerce.number().positive().default(fallback);
const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const schema = z.object({
  DATABASE_URL: optionalString.pipe(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
      .optional(),
  ),
  DATA_DIR: z.string().default('./data'),
  // The embedded database's page cache, inside its WASM heap (src/db/pgliteOptions.ts).
  // Where `wablast archive` writes old blasts' recipients (default: <DATA_DIR>/archive).
  ARCHIVE_DIR: optionalString,
  PGLITE_SHARED_BUFFERS_MB: z.coerce.number().int().min(1).max(1024).default(16),
  DB_POOL_MAX: positiveInt(10),
  // No default here: an engine-only process listens only when PORT is set (see `listen`).
  PORT: z.coerce.number().int().min(0).max(65535).optional(),
  // Loopback unless asked: a laptop's dashboard is not the network's (see SECURITY.md).
  HOST: z.string().default('127.0.0.1'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** lean: V8 keeps a small heap (src/util/memoryMode.ts); fast: its default, larger and a little quicker. */
  MEMORY_MODE: z.enum(['lean', 'fast']).default('lean'),
  /** auto: human lines on a terminal, JSON lines otherwise (a pipe, a file, a log collector). */
  LOG_FORMAT: z.enum(['auto', 'pretty', 'json']).default('auto'),
  /** https://no-color.org: any value turns colours off in the human lines. */
  NO_COLOR: optionalString,
  WSAPME_BASE_URL: optionalString.pipe(httpUrl.optional()),
  WSAPME_API_KEY: optionalString,
  WSAPME_API_KEY_HEADER: z
    .string()
    .regex(/^[\w-]+$/, 'must be an HTTP header name')
    .default('x-wsapme-token'),
  // No status lookup has been seen working on the real gateway: path and body are settings.
  WSAPME_STATUS_PATH: z
    .string()
    .regex(/^\/[\w./-]*$/, 'must be a path such as /v1/getMessageStatus')
    .default('/v1/getMessageStatus'),
  WSAPME_STATUS_BODY: z
    .string()
    .default('{"device":"{device}","messageId":"{messageId}"}')
    .refine(isJsonObject, 'must be a JSON object, e.g. {"device":"{device}","messageId":"{messageId}"}'),
  WSAPME_DEVICE: z.string().min(1).default('5850'),
  WSAPME_TIMEOUT_MS: positiveInt(15000),
  WEBHOOK_SECRET: optionalString,
  PUBLIC_URL: optionalString.pipe(httpUrl.optional()),
  API_TOKEN: optionalString.pipe(z.string().min(32, 'must be at least 32 characters (make one with: openssl rand -hex 32)').optional()),
  /** Fastify's trustProxy: true, a hop count, or a comma list of proxy addresses; X-Forwarded-Proto/-For are believed only from them. */
  TRUST_PROXY: optionalString.pipe(
    z
      .string()
      .transform((v): boolean | number | string => (v === 'true' ? true : v === 'false' ? false : /^\d+$/.test(v) ? Number(v) : v))
      .optional(),
  ),
  /** Requests per minute per client address on the API (0: no limit). */
  API_RATE_LIMIT: z.coerce.number().int().min(0).default(1200),
  /** Open server-sent event streams and ?wait=true requests, together, per process. */
  MAX_LONG_REQUESTS: positiveInt(100),
  SEND_RATE: positiveNumber(1),
  SEND_BURST: positiveInt(1),
  SEND_JITTER_MS: z.coerce.number().int().min(0).default(0),
  DAILY_CAP: optionalCount,
  /** The pacing preset devices use unless told otherwise; the default depends on the gateway (see loadConfig). */
  PACING_PRESET: z.enum(PACING_PRESETS, { message: `must be one of ${PACING_PRESETS.join(', ')}` }).optional(),
  /** When devices may send, e.g. "mon-sat 09:00-20:00"; unset: always for fast/custom, mon-sat 09:00-20:00 for safe/warm-up. */
  SEND_WINDOW: optionalString.pipe(
    z
      .string()
      .refine((v) => parseSendWindow(v).ok, { error: (i) => windowError(String(i.input)) })
      .optional(),
  ),
  SEND_TIMEZONE: z.string().refine(isTimeZone, 'is not a time zone name such as Asia/Kuala_Lumpur').default('Asia/Kuala_Lumpur'),
  HOURLY_CAP: optionalCount,
  /** The custom preset's random gap between messages. */
  SEND_MIN_GAP_MS: optionalCount,
  SEND_MAX_GAP_MS: optionalCount,
  SEND_MAX_ATTEMPTS: positiveInt(5),
  /** A device whose error rate over its last 50 sends passes this is paused (domain/deviceHealth); 1 never pauses. */
  HEALTH_PAUSE_ERROR_RATE: z.coerce.number().gt(0, 'must be above 0').max(1, 'must be at most 1 (1 never pauses)').default(0.2),
  SEND_CONCURRENCY: positiveInt(16),
  PHONE_DEFAULT_REGION: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be a two-letter ISO country code such as MY')
    // 'UK' or 'XX' pass the regex but libphonenumber knows no such region: every local number would be invalid.
    .refine((c) => isSupportedCountry(c), 'is not a country code libphonenumber knows (e.g. MY, SG, GB)')
    .default('MY'),
  MAX_RECIPIENTS: positiveInt(100_000),
  // One identical text to more numbers than this draws a warning in the dry run (issue 13).
  IDENTICAL_TEXT_WARN_AT: positiveInt(30),
  POLL_MODE: z.enum(['off', 'fallback', 'always']).default('fallback'),
  POLL_RATE: positiveNumber(5),
  REPLY_WINDOW_HOURS: positiveNumber(24 * 7),
  // Webhook group-commit batches in flight at once, each on its own connection (src/track/webhookIngest.ts).
  WEBHOOK_BATCHES_IN_FLIGHT: z.coerce.number().int().min(1).max(16).default(2),
  ROLE: z.enum(['all', 'api', 'engine']).default('all'),
  /** How long a device lease lasts without renewal: what a killed engine's device waits before another takes it. */
  LEASE_SECONDS: z.coerce.number().min(1).default(30),
  /** Days raw webhook bodies and their events are kept before the engine prunes them. */
  WEBHOOK_RETENTION_DAYS: positiveNumber(30),
  /** Outbound webhooks: days an endpoint may fail without a success before it is disabled. */
  OUTBOUND_DISABLE_AFTER_DAYS: positiveNumber(5),
  /** The business's time zone: the days of the reports across blasts. */
  REPORT_TIMEZONE: z.string().refine(isTimeZone, 'is not a time zone name such as Asia/Kuala_Lumpur').default('Asia/Kuala_Lumpur'),
  /** Fault tests only: hold each sequence step's creation transaction open this long, so a SIGKILL lands inside it. */
  SEQUENCE_CREATE_HOLD_MS: z.coerce.number().int().min(0).default(0),
});

export type Config = Readonly<{
  databaseUrl: string | undefined;
  dataDir: string;
  pgliteSharedBuffersMb: number;
  archiveDir: string;
  dbPoolMax: number;
  port: number;
  /** Serve HTTP: always for role all|api; for role engine only when PORT is set (/healthz, /metrics, webhooks). */
  listen: boolean;
  host: string;
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
  memoryMode: z.infer<typeof schema>['MEMORY_MODE'];
  logFormat: 'auto' | 'pretty' | 'json';
  /** Colours in the human lines (off when NO_COLOR is set). */
  logColor: boolean;
  gateway: Readonly<{
    baseUrl: string | undefined;
    apiKey: string | undefined;
    apiKeyHeader: string;
    device: string;
    timeoutMs: number;
    statusPath: string;
    /** JSON object whose string values may hold {device}, {messageId}, {phone} (digits) and {jid}. */
    statusBody: string;
  }>;
  webhookSecret: string | undefined;
  publicUrl: string | undefined;
  apiToken: string | undefined;
  trustProxy: boolean | number | string;
  apiRateLimit: number;
  maxLongRequests: number;
  /** The environment's pacing defaults; a device's own settings and a blast's preset override them (domain/pacingRules). */
  pacing: Readonly<PacingDefaults>;
  sendMaxAttempts: number;
  sendConcurrency: number;
  healthPauseErrorRate: number;
  phoneRegion: string;
  maxRecipients: number;
  identicalTextWarnAt: number;
  pollMode: 'off' | 'fallback' | 'always';
  pollRate: number;
  replyWindowHours: number;
  webhookBatchesInFlight: number;
  role: 'all' | 'api' | 'engine';
  leaseSeconds: number;
  webhookRetentionDays: number;
  outboundDisableAfterDays: number;
  reportTimeZone: string;
  sequenceCreateHoldMs: number;
}>;

export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // A variable set to nothing (`PORT=` in a .env file) means "not set": take the default. Without
  // this, z.coerce.number turns '' into 0 and PORT= would silently listen on a random port.
  const set = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v.trim() !== ''));
  const parsed = schema.safeParse(set);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? 'environment');
    // One line naming the variable; never echo the value, it may be a secret.
    throw new ConfigError(`Invalid configuration: ${name} ${issue.message}`);
  }
  const e = parsed.data;
  if (!e.API_TOKEN && !isLoopbackHost(e.HOST)) {
    throw new ConfigError(`Invalid configuration: HOST is not a loopback address, so API_TOKEN must be set (or set HOST=127.0.0.1)`);
  }
  return deepFreeze({
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    pgliteSharedBuffersMb: e.PGLITE_SHARED_BUFFERS_MB,
    archiveDir: e.ARCHIVE_DIR ?? join(e.DATA_DIR, 'archive'),
    dbPoolMax: e.DB_POOL_MAX,
    port: e.PORT ?? 3000,
    listen: e.ROLE !== 'engine' || e.PORT !== undefined,
    host: e.HOST,
    logLevel: e.LOG_LEVEL,
    memoryMode: e.MEMORY_MODE,
    logFormat: e.LOG_FORMAT,
    logColor: e.NO_COLOR === undefined,
    gateway: {
      baseUrl: e.WSAPME_BASE_URL,
      apiKey: e.WSAPME_API_KEY,
      apiKeyHeader: e.WSAPME_API_KEY_HEADER,
      device: e.WSAPME_DEVICE,
      timeoutMs: e.WSAPME_TIMEOUT_MS,
      statusPath: e.WSAPME_STATUS_PATH,
      statusBody: e.WSAPME_STATUS_BODY,
    },
    webhookSecret: e.WEBHOOK_SECRET,
    publicUrl: e.PUBLIC_URL,
    apiToken: e.API_TOKEN,
    trustProxy: e.TRUST_PROXY ?? false,
    apiRateLimit: e.API_RATE_LIMIT,
    maxLongRequests: e.MAX_LONG_REQUESTS,
    pacing: {
      // With the simulator no number is at risk: the seed's speed. With a real gateway, a real number is.
      preset: e.PACING_PRESET ?? (e.WSAPME_BASE_URL ? 'safe' : 'fast'),
      rate: e.SEND_RATE,
      burst: e.SEND_BURST,
      jitterMs: e.SEND_JITTER_MS,
      dailyCap: e.DAILY_CAP ?? null,
      hourlyCap: e.HOURLY_CAP ?? null,
      minGapMs: e.SEND_MIN_GAP_MS ?? null,
      maxGapMs: e.SEND_MAX_GAP_MS ?? null,
      window: e.SEND_WINDOW ?? null,
      timeZone: e.SEND_TIMEZONE,
    },
    sendMaxAttempts: e.SEND_MAX_ATTEMPTS,
    healthPauseErrorRate: e.HEALTH_PAUSE_ERROR_RATE,
    sendConcurrency: e.SEND_CONCURRENCY,
    phoneRegion: e.PHONE_DEFAULT_REGION,
    maxRecipients: e.MAX_RECIPIENTS,
    identicalTextWarnAt: e.IDENTICAL_TEXT_WARN_AT,
    pollMode: e.POLL_MODE,
    pollRate: e.POLL_RATE,
    replyWindowHours: e.REPLY_WINDOW_HOURS,
    webhookBatchesInFlight: e.WEBHOOK_BATCHES_IN_FLIGHT,
    role: e.ROLE,
    leaseSeconds: e.LEASE_SECONDS,
    webhookRetentionDays: e.WEBHOOK_RETENTION_DAYS,
    outboundDisableAfterDays: e.OUTBOUND_DISABLE_AFTER_DAYS,
    reportTimeZone: e.REPORT_TIMEZONE,
    sequenceCreateHoldMs: e.SEQUENCE_CREATE_HOLD_MS,
  });
}

function windowError(text: string): string {
  const r = parseSendWindow(text);
  return r.ok ? '' : r.reason;
}

function isJsonObject(text: string): boolean {
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v);
  } catch {
    return false;
  }
}

/** 127.0.0.0/8, ::1 and localhost: the addresses only this machine reaches. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || /^::ffff:127(\.\d{1,3}){3}$/.test(h);
}

function deepFreeze<T extends object>(o: T): T {
  for (const v of Object.values(o)) if (v && typeof v === 'object') deepFreeze(v);
  return Object.freeze(o);
}
