import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Json } from './json.ts';

export interface ReceivedHook {
  headers: Record<string, string>;
  body: string;
  /** What the subscriber answered. */
  status: number;
}

export interface Subscriber {
  url: string;
  received: ReceivedHook[];
  /** The bodies it accepted (2xx), parsed, in arrival order. */
  accepted(): Array<{ id: string; event: { type: string; timestamp: string; data: Record<string, Json> } }>;
  close(): Promise<void>;
}

/**
 * A real HTTP server standing in for the business's CRM: it answers `failFirst` requests with 500,
 * then 200, and keeps every request it saw.
 */
export async function startSubscriber(opts: { failFirst?: number; port?: number } = {}): Promise<Subscriber> {
  const received: ReceivedHook[] = [];
  let failuresLeft = opts.failFirst ?? 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = failuresLeft > 0 ? 500 : 200;
      if (failuresLeft > 0) failuresLeft--;
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      received.push({ headers, body: Buffer.concat(chunks).toString('utf8'), status });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'not yet');
    });
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    accepted: () => received.filter((r) => r.status === 200).map((r) => ({ id: r.headers['webhook-id']!, event: JSON.parse(r.body) })),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
