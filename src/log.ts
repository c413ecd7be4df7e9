import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * The root logger. Components take a child scoped by `component` (and `blast` where one applies),
 * so a line always says where it came from. Secrets are redacted by path, never by hope.
 */
export function createLogger(level: string = 'info'): Logger {
  return pino({
    level,
    base: undefined,
    redact: {
      paths: [
        'apiKey',
        'token',
        'secret',
        'headers.authorization',
        'headers["x-webhook-secret"]',
        'req.headers.authorization',
        'req.headers["x-webhook-secret"]',
        'req.headers.cookie',
      ],
      censor: '[redacted]',
    },
  });
}

/** A logger that writes nothing: the default for tests and embedded use. */
export const silentLogger: Logger = pino({ level: 'silent' });
