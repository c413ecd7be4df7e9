/**
 * Instants as the business's wall clock shows them, `2026-11-30 17:05:09`, for exports a
 * spreadsheet reads as a date-time. An offset only changes at a zone's transitions, which fall on
 * quarter hours, so each quarter hour's offset is asked of Intl once: 100,000 rows × 6 times cost
 * map look-ups, not 600,000 Intl calls.
 */
export function wallClock(tz: string): (iso: string | null | undefined) => string {
  const offsetAt = zoneOffset(tz);
  return (iso) => {
    if (!iso) return '';
    const t = Date.parse(iso);
    if (Number.isNaN(t)) return '';
    return new Date(t + offsetAt(t)).toISOString().slice(0, 19).replace('T', ' ');
  };
}

/** How far `tz`'s wall clock is ahead of UTC at an instant, asked of Intl once per quarter hour. */
export function zoneOffset(tz: string): (t: number) => number {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: tz,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  const offsets = new Map<number, number>();
  const offsetAt = (t: number): number => {
    const quarter = Math.floor(t / QUARTER_HOUR);
    let off = offsets.get(quarter);
    if (off === undefined) {
      const parts = format.formatToParts(new Date(quarter * QUARTER_HOUR));
      const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
      off = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - quarter * QUARTER_HOUR;
      offsets.set(quarter, off);
    }
    return off;
  };
  return offsetAt;
}

const QUARTER_HOUR = 15 * 60_000;

/** `UTC+08:00`: the offset a header states beside the zone's name, at instant `t`. */
export function utcOffsetLabel(tz: string, t: number): string {
  const local = wallClock(tz)(new Date(t).toISOString());
  const diffMin = Math.round((Date.parse(`${local.replace(' ', 'T')}Z`) - Math.floor(t / 1000) * 1000) / 60_000);
  const sign = diffMin < 0 ? '-' : '+';
  const abs = Math.abs(diffMin);
  return `UTC${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}
