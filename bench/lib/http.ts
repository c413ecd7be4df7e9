import { request } from 'undici';
import type { Json } from '../../test/helpers/json.ts';

/** A JSON call to a wablast process; throws with the body when the status is not 2xx. */
export async function api<T = Json>(base: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await request(`${base}${path}`, {
    method: method as 'GET',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.body.text();
  if (res.statusCode >= 300) throw new Error(`${method} ${path} → ${res.statusCode}: ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : null) as T;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls until `check` returns a truthy value, or throws after `ms`. */
export async function until<T>(
  check: () => Promise<T | null | undefined | false> | T | null | undefined | false,
  ms: number,
  every = 20,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`gave up after ${ms} ms`);
    await sleep(every);
  }
}
