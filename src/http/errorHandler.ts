import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ZodError } from 'zod';
import { AppError, type ErrorCode } from '../errors.ts';
import { type Logger, safeError, safeUrl } from '../log.ts';

/** Fastify's own failures, translated into our codes so every error body has one shape. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad_request',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'bad_request',
  FST_ERR_CTP_INVALID_JSON_BODY: 'bad_request',
  FST_ERR_VALIDATION: 'validation_failed',
  FST_REQ_FILE_TOO_LARGE: 'payload_too_large',
  FST_FILES_LIMIT: 'payload_too_large',
  FST_PARTS_LIMIT: 'payload_too_large',
  FST_INVALID_MULTIPART_CONTENT_TYPE: 'unsupported_media_type',
};

// Connection-level database failures: the request may be retried, the service is not broken.
const DB_DOWN = new Set(['ECONNREFUSED', 'ECONNRESET', '57P01', '57P02', '57P03', '08000', '08003', '08006']);

export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof ZodError) {
    const details = err.issues.map((i) => ({ field: i.path.join('.') || 'body', message: i.message }));
    const first = details[0]!;
    return new AppError('validation_failed', `${first.field}: ${first.message}`, details);
  }
  const e = err as Partial<FastifyError> & { code?: string };
  if (e.code && FASTIFY_CODES[e.code]) {
    const code = FASTIFY_CODES[e.code]!;
    return new AppError(code, e.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ? 'Body is not valid JSON' : (e.message ?? code));
  }
  if (e.code === 'FST_ERR_BAD_URL') return new AppError('bad_request', 'The URL path is not valid percent-encoding');
  if (e instanceof SyntaxError || e.statusCode === 400) return new AppError('bad_request', e.message ?? 'Bad request');
  if (e.code && DB_DOWN.has(e.code)) return new AppError('database_unavailable', 'Database unavailable, retry shortly');
  if (e.statusCode === 413) return new AppError('payload_too_large', 'Request body too large');
  if (e.statusCode === 415) return new AppError('unsupported_media_type', e.message ?? 'Unsupported media type');
  if (e.statusCode === 429) return new AppError('rate_limited', e.message ?? 'Too many requests');
  // Any other Fastify client error (FST_ERR_*) keeps its 4xx meaning in our shape.
  if (typeof e.code === 'string' && e.code.startsWith('FST_') && e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
    return new AppError(e.statusCode === 404 ? 'not_found' : 'bad_request', e.message ?? 'Bad request');
  }
  return new AppError('internal', 'Internal error');
}

export function makeErrorHandler(logger: Logger) {
  return (err: unknown, req: FastifyRequest, reply: FastifyReply) => {
    const appErr = toAppError(err);
    // The URL without its query (`?token=`) or webhook secret; the error without SQL parameters (src/log.ts).
    if (appErr.status >= 500) logger.error({ err: safeError(err), url: safeUrl(req.url), method: req.method }, 'request failed');
    // A 500 never carries a stack or the original message: it could name a table, a host or a secret.
    return reply.status(appErr.status).send(appErr.toJSON());
  };
}
