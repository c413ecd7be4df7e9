/** The SQLSTATE of a database error, through the wrappers drivers and Drizzle put around it. */
export function sqlState(err: unknown): string | null {
  for (let e = err, i = 0; e && typeof e === 'object' && i < 5; e = (e as { cause?: unknown }).cause, i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return null;
}

/**
 * The data itself was refused (class 22 data exception, 23 integrity violation, 54 limit
 * exceeded): running the same statement again fails the same way, whereas a lost connection or a
 * deadlock may pass next time.
 */
export function isDataError(err: unknown): boolean {
  const code = sqlState(err);
  return code !== null && /^(22|23|54)/.test(code);
}
