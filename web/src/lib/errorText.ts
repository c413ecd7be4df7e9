import { ApiError } from './apiError.ts';

/** Turns anything thrown into a sentence for the user. */
export function errorText(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return 'Something went wrong.';
}
