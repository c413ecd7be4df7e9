import { expect } from 'vitest';

export interface ApiError {
  code: string;
  message: string;
  details?: unknown;
}

/** Every error body is exactly `{error: {code, message, details?}}`, and never a stack trace. */
export function expectError(res: { status: number; body: unknown }, status: number, code?: string): ApiError {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  const body = res.body as { error: ApiError };
  expect(Object.keys(body)).toEqual(['error']);
  expect(typeof body.error.code).toBe('string');
  expect(typeof body.error.message).toBe('string');
  expect(body.error.message.length).toBeGreaterThan(0);
  for (const key of Object.keys(body.error)) expect(['code', 'message', 'details']).toContain(key);
  const text = JSON.stringify(body);
  expect(text).not.toMatch(/\bat .+\.(ts|js):\d+/);
  expect(text).not.toContain('stack');
  if (code) expect(body.error.code).toBe(code);
  return body.error;
}
