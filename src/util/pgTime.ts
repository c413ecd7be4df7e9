/**
 * Both drivers hand raw timestamptz values over as Postgres text ("2026-11-28 17:03:30.63+00");
 * the API speaks ISO 8601. Dates (from Drizzle's typed queries) pass through.
 */
export function isoTime(v: string | Date | null | undefined): string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Date) return v.toISOString();
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?)([+-]\d{2})(?::?(\d{2}))?$/.exec(v);
  if (!m) return new Date(v).toISOString();
  return new Date(`${m[1]}T${m[2]}${m[3]}:${m[4] ?? '00'}`).toISOString();
}
