import type { FastifySchemaCompiler, FastifySchemaValidationError } from 'fastify';
import { validatorCompiler as zodValidatorCompiler } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { AppError, type FieldIssue } from '../errors.ts';

/** One failed check of a request, wherever it came from: a route's schema or `parse`. */
interface Issue {
  code: string;
  path: readonly PropertyKey[];
  keys?: readonly string[];
  message: string;
}

/** Our validation error (400 `validation_failed`): every field named, unknown fields called so. */
export function validationFailed(issues: readonly Issue[]): AppError {
  const details: FieldIssue[] = issues.map((i) =>
    i.code === 'unrecognized_keys'
      ? { field: (i.keys ?? []).join(', '), message: 'unknown field' }
      : { field: i.path.map(String).join('.') || 'body', message: i.message },
  );
  return new AppError('validation_failed', `${details[0]!.field}: ${details[0]!.message}`, details);
}

/**
 * The routes' schemas are checked by the provider's zod validator; a missing body (Fastify hands
 * it over as null) reads as `{}`, so a body whose fields are all optional may be left out.
 */
export const validatorCompiler: FastifySchemaCompiler<z.ZodType> = (route) => {
  const validate = zodValidatorCompiler(route);
  return route.httpPart === 'body' ? (data: unknown) => validate(data ?? {}) : validate;
};

/** The provider's issues (instancePath `/recipients/3`, the zod code as keyword) back in our error shape. */
export const schemaErrorFormatter = (errors: FastifySchemaValidationError[]): Error =>
  validationFailed(
    errors.map((e) => ({
      code: e.keyword,
      path: e.instancePath.split('/').filter((p) => p !== ''),
      keys: (e.params as { keys?: string[] }).keys,
      message: e.message ?? 'is not valid',
    })),
  );
