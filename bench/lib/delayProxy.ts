import { type AddressInfo, connect, createServer, type Server, type Socket } from 'node:net';
import { pgClient } from './db.ts';

/**
 * A TCP proxy that adds a round trip between wablast and PostgreSQL, so a benchmark sees a database
 * at a distance (Neon: 1–3 ms per statement) on one machine. Each chunk is held for half the round
 * trip in its direction, in order; bandwidth is not limited. `url()` rewrites a postgres:// URL to
 * go through it.
 */
export class DelayProxy {
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly roundTripMs: number,
  ) {}

  static async start(target: { host: string; port: number }, roundTripMs = 2): Promise<DelayProxy> {
    const oneWay = roundTripMs / 2;
    const proxy: DelayProxy = new DelayProxy(
      createServer((client) => {
        const upstream = connect(target.port, target.host);
        for (const s of [client, upstream]) {
          s.setNoDelay(true);
          proxy.sockets.add(s);
          s.on('close', () => proxy.sockets.delete(s));
          s.on('error', () => {
            client.destroy();
            upstream.destroy();
          });
        }
        relay(client, upstream, oneWay);
        relay(upstream, client, oneWay);
      }),
      roundTripMs,
    );
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** The same database, reached through this proxy. */
  url(databaseUrl: string): string {
    const u = new URL(databaseUrl);
    u.hostname = '127.0.0.1';
    u.port = String(this.port);
    return u.toString();
  }

  /**
   * What a statement costs here, direct and through the proxy: the median of 50 `SELECT 1` one
   * after the other. On a loaded machine the proxy's wake-ups add to the round trip it was asked for.
   */
  async measure(databaseUrl: string): Promise<{ select1_ms_direct: number; select1_ms_proxied: number }> {
    const median = async (url: string) => {
      const c = pgClient(url);
      await c.connect();
      try {
        const ms: number[] = [];
        for (let i = 0; i < 50; i++) {
          const t0 = performance.now();
          await c.query('SELECT 1');
          ms.push(performance.now() - t0);
        }
        return Math.round(ms.sort((a, b) => a - b)[25]! * 100) / 100;
      } finally {
        await c.end();
      }
    };
    return { select1_ms_direct: await median(databaseUrl), select1_ms_proxied: await median(this.url(databaseUrl)) };
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/**
 * Forwards `from` to `to`, each chunk `delayMs` after it arrived. Node's timers of one duration
 * fire in the order they were set, so the byte stream keeps its order; an end is delayed the same.
 */
function relay(from: Socket, to: Socket, delayMs: number): void {
  from.on('data', (chunk) => {
    setTimeout(() => {
      if (!to.destroyed) to.write(chunk);
    }, delayMs);
  });
  from.on('end', () => setTimeout(() => to.end(), delayMs));
}
