/**
 * Human lines for a person watching a terminal: `09:41:07 INFO  engine  blast #3 finished …  device=5850`.
 * It reads the JSON line pino has already produced — after redaction, the error serializer and
 * phone masking — so it can only show what the JSON would have shown. Used only when stdout is a
 * terminal (LOG_FORMAT=auto), where a person reads a few lines a second; pipes and log collectors
 * get pino's JSON untouched, with no formatting on the sending path.
 */
const LEVELS: Record<number, { name: string; color: string }> = {
  10: { name: 'TRACE', color: '\x1b[90m' },
  20: { name: 'DEBUG', color: '\x1b[90m' },
  30: { name: 'INFO', color: '\x1b[32m' },
  40: { name: 'WARN', color: '\x1b[33m' },
  50: { name: 'ERROR', color: '\x1b[31m' },
  60: { name: 'FATAL', color: '\x1b[41m\x1b[97m' },
};
const RESET = '\x1b[0m';
const DIM = '\x1b[2m';

/** Fields shown in the line's head or not at all. */
const HEAD = new Set(['level', 'time', 'msg', 'component', 'pid', 'hostname', 'reqId']);

export interface HumanLogOptions {
  color: boolean;
}

/** One pino JSON line → one human line (plus an error's stack on ERROR and above). Not JSON: passed through. */
export function formatLogLine(line: string, opts: HumanLogOptions): string {
  let rec: Record<string, unknown>;
  try {
    rec = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.endsWith('\n') ? line : `${line}\n`;
  }
  const level = LEVELS[Number(rec.level)] ?? { name: String(rec.level ?? ''), color: '' };
  const paint = (code: string, text: string) => (opts.color && code && text ? `${code}${text}${RESET}` : text);
  const time = typeof rec.time === 'number' ? clock(new Date(rec.time)) : '';
  const component = typeof rec.component === 'string' ? `${rec.component}  ` : '';
  const fields: string[] = [];
  let stack = '';
  for (const [k, v] of Object.entries(rec)) {
    if (HEAD.has(k) || v === undefined) continue;
    if ((k === 'err' || k === 'error') && v && typeof v === 'object') {
      const e = v as { type?: string; message?: string; code?: unknown; stack?: string };
      fields.push(`${k}=${JSON.stringify(`${e.type ?? 'Error'}${e.code !== undefined ? ` ${String(e.code)}` : ''}: ${e.message ?? ''}`)}`);
      if (Number(rec.level) >= 50 && e.stack) stack = `\n${e.stack}`;
      continue;
    }
    fields.push(`${k}=${typeof v === 'string' && /^[^\s"=]+$/.test(v) ? v : JSON.stringify(v)}`);
  }
  const msg = typeof rec.msg === 'string' ? rec.msg : '';
  const tail = fields.length ? `  ${paint(DIM, fields.join(' '))}` : '';
  return `${paint(DIM, time)} ${paint(level.color, level.name.padEnd(5))} ${paint(DIM, component)}${msg}${tail}${stack}\n`;
}

/** A pino destination writing human lines to `out` (process.stdout). */
export function humanLogStream(out: NodeJS.WritableStream, opts: HumanLogOptions): { write(line: string): void } {
  return { write: (line: string) => void out.write(formatLogLine(line, opts)) };
}

/** HH:MM:SS in this machine's time zone: the clock on the wall of whoever reads the terminal. */
function clock(d: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}
