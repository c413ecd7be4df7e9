import { sql } from 'drizzle-orm';
import { expect } from 'vitest';
import { rows } from '../../src/db/client.ts';
import type { Json } from './json.ts';
import { type TestApp, startTestApp } from './testApp.ts';

/** The seed's example request body. */
export const SEED = {
  blast_tag: 'Product Launch',
  recipients: ['+60123456789', '+60123456790'],
  message: 'Campaign message',
  follow_up_stage: 'Initial',
};

/** `n` distinct valid Malaysian mobile numbers, +6012 followed by 7 digits from `start`. */
export const numbers = (n: number, start = 0, prefix = '+6012'): string[] =>
  Array.from({ length: n }, (_, i) => `${prefix}${String(start + i).padStart(7, '0')}`);

/**
 * The service without its engine: the blast API tests set statuses by hand (SENDING without an
 * owner, say), which a running engine would rightly settle as UNCERTAIN under their feet, and
 * nothing they create is meant to be sent.
 */
export function startApiOnly(env: Record<string, string> = {}): Promise<TestApp> {
  return startTestApp({ ROLE: 'api', ...env });
}

export async function tableCounts(app: TestApp): Promise<{ blasts: number; recipients: number }> {
  const [c] = await rows<{ blasts: number; recipients: number }>(
    app.db.db,
    sql`SELECT (SELECT count(*)::int FROM blasts) AS blasts, (SELECT count(*)::int FROM blast_recipients) AS recipients`,
  );
  return c!;
}

/** Runs `request` and asserts the blasts and blast_recipients tables hold as many rows after as before. */
export async function unchanged<T>(app: TestApp, request: () => Promise<T>): Promise<T> {
  const before = await tableCounts(app);
  const result = await request();
  expect(await tableCounts(app)).toEqual(before);
  return result;
}

/** POSTs `csv` as the multipart field `file`, beside `fields`, as the dashboard's upload does. */
export async function postForm(
  app: TestApp,
  path: string,
  csv: string,
  fields: Record<string, string> = { message: 'Hi {{name}}' },
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Json }> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  form.set('file', new Blob([csv], { type: 'text/csv' }), 'recipients.csv');
  const res = await fetch(app.url + path, { method: 'POST', body: form, headers });
  return { status: res.status, body: await res.json() };
}

/** Creates a blast (a draft) from a JSON body; returns its id. */
export async function createBlast(app: TestApp, body: Record<string, unknown>): Promise<number> {
  const res = await app.api('POST', '/api/blasts', body);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.blast_id as number;
}

/** A blast's recipients as stored, in insertion order. */
export async function recipientsOf(app: TestApp, blastId: number) {
  return rows<{ phone_number: string; status: string; variables: Record<string, string> }>(
    app.db.db,
    sql`SELECT phone_number, status, variables FROM blast_recipients WHERE blast_id = ${blastId} ORDER BY id`,
  );
}
