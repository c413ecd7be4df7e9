import pino, { type Logger } from 'pino';
import { maskPhone, maskPhonesIn } from './domain/maskPhone.ts';

export type { Logger };
export { maskPhone };

/**
 * A URL as it may be logged: no query string (it can carry `?token=`), and the secret path
 * segment of `/webhooks/wsapme/<secret>` masked.
 */
export function safeUrl(url: string | undefined): string {
  const path = (url ?? '').split('?')[0]!;
  return maskPhonesIn(path.replace(/^(\/webhooks\/[^/]+\/)[^/]+/, '$1[redacted]'));
}

/**
 * An error as it may be logged: name, code and message, never the SQL parameters or the query a
 * database error carries (phone numbers, message text, variables). Drizzle puts both into its
 * message ("Failed query: … params: …"), so the message is cut there too.
 */
export function safeError(err: unknown): Record<string, unknown> | unknown {
  if (!err || typeof err !== 'object') return typeof err === 'string' ? scrubMessage(err) : err;
  const e = err as { name?: string; code?: unknown; message?: unknown; stack?: unknown; cause?: unknown; statusCode?: unknown };
  const out: Record<string, unknown> = {
    type: e.name ?? (e as { type?: string }).type ?? 'Error',
    message: scrubMessage(String(e.message ?? '')),
  };
  if (e.code !== undefined) out.code = e.code;
  if (e.statusCode !== undefined) out.statusCode = e.statusCode;
  if (typeof e.stack === 'string')
    out.stack = e.stack
      .split('\n')
      .filter((l) => /^\s+at /.test(l))
      .join('\n');
  if (e.cause) out.cause = safeError(e.cause);
  return out;
}

function scrubMessage(message: string): string {
  return maskPhonesIn(
    message.replace(/^Failed query:[\s\S]*$/m, 'Failed query ([query and params not logged])').replace(/\nparams:[\s\S]*$/, ''),
  );
}

/** Masks phone-like digit runs in every string of a log record, however deep: the last line of defence. */
function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskPhonesIn(value);
  if (!value || typeof value !== 'object' || depth > 6) return value;
  if (value instanceof Error) return safeError(value);
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = k === 'err' || k === 'error' ? safeError(v) : scrub(v, depth + 1);
  return out;
}

/**
 * The root logger. Components take a child scoped by `component` (and `blast` where one applies),
 * so a line always says where it came from. Secrets are redacted by path, never by hope; errors
 * lose their SQL parameters, URLs their query strings, and phone numbers are masked everywhere.
 */
export function createLogger(level: string = 'info', destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: undefined,
    serializers: {
      err: safeError,
      error: safeError,
      req: (req: { method?: string; url?: string }) => ({ method: req.method, url: safeUrl(req.url) }),
    },
    formatters: { log: (obj) => scrub(obj) as Record<string, unknown> },
    hooks: {
      logMethod(args, method) {
        method.apply(this, args.map((a) => (typeof a === 'string' ? maskPhonesIn(a) : a)) as Parameters<typeof method>);
      },
    },
    redact: {
      paths: [
        'apiKey',
        'token',
        'secret',
        'password',
        'webhookSecret',
        'apiToken',
        'headers.authorization',
        'headers.cookie',
        'headers["set-cookie"]',
        'headers["x-webhook-secret"]',
        'headers["x-api-key"]',
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["x-webhook-secret"]',
        'req.headers["x-api-key"]',
        'res.headers["set-cookie"]',
      ],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** A logger that writes nothing: the default for tests and embedded use. */
export const silentLogger: Logger = pino({ level: 'silent' });
