import { request } from 'node:http';
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../src/log.ts';
import type { Json } from '../helpers/json.ts';

export const TOKEN = 'sec-test-token-7d1e0b5c9a4f3e2d1c0b9a8f7e6d5c4b';
export const SEED = { blast_tag: 'Launch', message: 'Hi {{name|there}}', recipients: ['+60123456789', '+60123456790'] };

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: Json;
}

/**
 * One HTTP request with exactly the headers given (fetch would refuse to set Host, and adds
 * Sec-Fetch-* in no predictable way): what an attacker's browser or script can send.
 */
export function send(
  base: string,
  method: string,
  path: string,
  opts: { headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<RawResponse> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: url.hostname,
        port: url.port,
        method,
        path,
        headers: { ...(opts.body !== undefined ? { 'content-length': String(Buffer.byteLength(opts.body)) } : {}), ...opts.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

/** A multipart/form-data body as an HTML form on another site would post it (a "simple" request: no preflight). */
export function multipart(fields: Record<string, string>, csv: string): { body: string; contentType: string } {
  const boundary = `----attacker${Math.random().toString(16).slice(2)}`;
  let body = '';
  for (const [k, v] of Object.entries(fields)) body += `--${boundary}\r\ncontent-disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`;
  body += `--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="r.csv"\r\ncontent-type: text/csv\r\n\r\n${csv}\r\n--${boundary}--\r\n`;
  return { body, contentType: `multipart/form-data; boundary=${boundary}` };
}

/** The session cookie a Set-Cookie header carries, as `name=value`. */
export function sessionCookie(res: RawResponse): string {
  const set = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const c = set.find((s) => /wablast_session=/.test(s));
  if (!c) throw new Error(`no session cookie in ${JSON.stringify(set)}`);
  return c.split(';')[0]!;
}

/** A logger whose every line is kept: what the service would write to stdout. */
export function capturingLogger(level = 'trace'): { logger: Logger; text: () => string } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: createLogger(level, sink), text: () => lines.join('') };
}
