import { mkdirSync } from 'node:fs';
import type { SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import type { Logger } from '../log.ts';
import { compileWasmOnce, initPgliteDirectory, pgliteStartParams } from './pgliteOptions.ts';
import * as schema from './schema.ts';

/** A Drizzle handle on either driver; a transaction has the same type, so use-cases take either. */
export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface Database {
  readonly db: Db;
  readonly kind: 'pglite' | 'postgres';
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

const INT8 = 20;
// Ids and counts are bigint in SQL but far below 2^53: return numbers, not strings, from both drivers.
pg.types.setTypeParser(INT8, (v) => Number(v));

export interface OpenOptions {
  url?: string | undefined;
  /** Directory for PGlite files; 'memory://' (or undefined with no url) keeps it in memory. */
  dataDir?: string | undefined;
  /** PGlite's shared_buffers (PostgreSQL's 128 MB default would all sit in the WASM heap). */
  pgliteSharedBuffersMb?: number;
  poolMax?: number;
  logger?: Logger;
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  if (opts.url) return openPostgres(opts.url, opts.poolMax ?? 10, opts.logger);
  return openPglite(opts.dataDir, opts.pgliteSharedBuffersMb ?? 16);
}

function openPostgres(url: string, max: number, logger?: Logger): Database {
  const pool = new pg.Pool({ connectionString: url, max, connectionTimeoutMillis: 10_000 });
  // A terminated backend or a restarting server emits 'error' on idle clients; without a
  // listener node-postgres would crash the process. The next query gets a fresh connection.
  pool.on('error', (err) => logger?.warn({ err: err.message }, 'postgres connection lost'));
  // The pool listens only while a client is idle. A client checked out for a transaction whose
  // connection is terminated (pg_terminate_backend, a server restart) emits 'error' with nobody
  // listening, which kills the process. Its query fails on its own and the pool drops the client
  // on release, so logging is all that is left to do.
  pool.on('connect', (client) => {
    client.on('error', (err) => logger?.warn({ err: err.message }, 'postgres connection lost during use'));
  });
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  return {
    db,
    kind: 'postgres',
    ping: async () => {
      try {
        await pool.query('SELECT 1');
        return true;
      } catch {
        return false;
      }
    },
    close: () => pool.end(),
  };
}

async function openPglite(dataDir: string | undefined, sharedBuffersMb: number): Promise<Database> {
  // Loaded only when used: PGlite's module alone adds ~40 MB of resident memory, which a process
  // on PostgreSQL should not carry (bench rss_peak).
  compileWasmOnce();
  const [{ PGlite }, { drizzle: drizzlePglite }] = await Promise.all([import('@electric-sql/pglite'), import('drizzle-orm/pglite')]);
  const memory = !dataDir || dataDir.startsWith('memory://');
  const startParams = pgliteStartParams(PGlite.defaultStartParams, sharedBuffersMb);
  if (!memory) {
    mkdirSync(dataDir, { recursive: true });
    await initPgliteDirectory(dataDir, startParams);
  }
  const client = new PGlite(memory ? undefined : dataDir, { startParams, parsers: { [INT8]: (v: string) => Number(v) } });
  await client.waitReady;
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    ping: async () => {
      try {
        await client.query('SELECT 1');
        return true;
      } catch {
        return false;
      }
    },
    close: () => client.close(),
  };
}

/** Rows of a raw statement, the same shape on both drivers. */
export async function rows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

/** Number of rows a raw UPDATE/DELETE touched, on both drivers. */
export async function affected(db: Db, query: SQL): Promise<number> {
  const result = (await db.execute(query)) as unknown as { rowCount?: number | null; affectedRows?: number };
  return result.rowCount ?? result.affectedRows ?? 0;
}
