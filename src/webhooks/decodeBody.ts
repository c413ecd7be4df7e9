export type Decoded = { ok: true; value: unknown } | { ok: false; reason: string };

const MAX_FORM_DEPTH = 8;

/**
 * Turns a webhook body into a value: JSON by content type or by shape (a gateway may send JSON as
 * text/plain or with no content type), or form fields (application/x-www-form-urlencoded, PHP's
 * bracket notation `key[id]=…` nested, and a field that carries JSON parsed in place). Never
 * throws: what it cannot read is a reason.
 */
export function decodeBody(contentType: string | null, raw: string): Decoded {
  const text = raw.replace(/^\uFEFF/, '');
  if (text.trim() === '') return { ok: false, reason: 'empty body' };
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') return decodeForm(text);
  if (type.startsWith('multipart/')) return { ok: false, reason: 'multipart bodies are not read (kept raw)' };
  const json = parseJson(text);
  if (json.ok) return json;
  // No or a wrong content type, but form-shaped.
  if (!type.includes('json') && /^[^\s{[=&]+=/.test(text)) return decodeForm(text);
  return { ok: false, reason: 'body is not JSON' };
}

function parseJson(text: string): Decoded {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, reason: 'body is not JSON' };
  }
}

function decodeForm(text: string): Decoded {
  const fields = new URLSearchParams(text);
  const entries = [...fields.entries()];
  if (entries.length === 0) return { ok: false, reason: 'empty form' };
  // A JSON body posted with the form content type arrives as one field named by the whole body.
  if (entries.length === 1 && entries[0]![1] === '') {
    const whole = parseJson(entries[0]![0]);
    if (whole.ok && typeof whole.value === 'object' && whole.value !== null) return whole;
  }
  const out: Record<string, unknown> = {};
  for (const [key, value] of entries) setPath(out, bracketPath(key), jsonField(value));
  return { ok: true, value: arraysFromIndexes(out, 0) };
}

/** `data[0][key][id]` → ['data', '0', 'key', 'id']; a key that is not bracket notation stays whole. */
function bracketPath(key: string): string[] {
  const m = /^([^[\]]+)((?:\[[^[\]]*\])+)$/.exec(key);
  if (!m) return [key];
  const rest = [...m[2]!.matchAll(/\[([^[\]]*)\]/g)].map((x) => x[1]!);
  return [m[1]!, ...rest].slice(0, MAX_FORM_DEPTH);
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i] === '' ? String(Object.keys(node).length) : path[i]!;
    if (i === path.length - 1) {
      define(node, seg, value);
      return;
    }
    const next = Object.hasOwn(node, seg) ? node[seg] : undefined;
    if (next === null || typeof next !== 'object') define(node, seg, {});
    node = node[seg] as Record<string, unknown>;
  }
}

function define(o: Record<string, unknown>, k: string, v: unknown): void {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

/** A form field whose value is a JSON object or array (`data={"key":…}`) is read as that JSON. */
function jsonField(value: string): unknown {
  const t = value.trim();
  if ((t.startsWith('{') && t.endsWith('}')) || (t.startsWith('[') && t.endsWith(']'))) {
    const parsed = parseJson(t);
    if (parsed.ok) return parsed.value;
  }
  return value;
}

/** Objects built from `a[0]=…&a[1]=…` become arrays. */
function arraysFromIndexes(v: unknown, depth: number): unknown {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || depth > MAX_FORM_DEPTH) return v;
  const o = v as Record<string, unknown>;
  for (const k of Object.keys(o)) define(o, k, arraysFromIndexes(o[k], depth + 1));
  const keys = Object.keys(o);
  if (keys.length > 0 && keys.every((k, i) => k === String(i))) return keys.map((k) => o[k]);
  return o;
}
