export const MAX_DEPTH = 32;

export interface Sanitised {
  value: unknown;
  /** Why the value cannot be trusted as it is (the event is then not understood), or null. */
  problem: string | null;
}

// A UTF-16 half without its other half: PostgreSQL's jsonb refuses the \ud800 escape it turns into.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * A copy of a parsed JSON value that PostgreSQL's jsonb will take: NUL characters (refused by
 * jsonb and text) become the visible text \u0000, lone surrogates U+FFFD, anything nested deeper
 * than MAX_DEPTH is cut. NULs and depth make the event not understood, so a poisoned event is
 * kept for an operator to look at but never applied. Own properties only, "__proto__" included,
 * so a key can never reach a prototype.
 */
export function sanitiseJson(input: unknown): Sanitised {
  let problem: string | null = null;
  const text = (s: string): string => {
    let out = s;
    if (out.includes('\u0000')) {
      problem ??= 'contains a NUL character';
      out = out.replaceAll('\u0000', '\\u0000');
    }
    return out.replace(LONE_SURROGATE, '\uFFFD');
  };
  const walk = (v: unknown, depth: number): unknown => {
    if (typeof v === 'string') return text(v);
    if (typeof v === 'number') return Number.isFinite(v) ? v : null;
    if (v === null || typeof v !== 'object') return typeof v === 'boolean' ? v : null;
    if (depth >= MAX_DEPTH) {
      problem ??= `nested deeper than ${MAX_DEPTH} levels`;
      return '[cut: too deep]';
    }
    if (Array.isArray(v)) return v.map((x) => walk(x, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      Object.defineProperty(out, text(k), { value: walk(x, depth + 1), enumerable: true, writable: true, configurable: true });
    }
    return out;
  };
  const value = walk(input, 0);
  return { value, problem };
}

/** The raw body as text PostgreSQL will store: NUL characters escaped as the six characters \u0000. */
export function storableText(raw: string): string {
  return raw.includes('\u0000') ? raw.replaceAll('\u0000', '\\u0000') : raw;
}
