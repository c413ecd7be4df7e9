import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { describe, expect, it } from 'vitest';
import { type Database, openDatabase, rows } from '../../src/db/client.ts';
import { migrate } from '../../src/db/migrate.ts';
import { RANK, STATUSES } from '../../src/domain/status.ts';
import { createEmptyDatabase } from '../helpers/postgresAdmin.ts';
import { createTestDatabase } from '../helpers/testDatabase.ts';

const MIGRATIONS = readMigrationFiles({ migrationsFolder: fileURLToPath(new URL('../../src/db/migrations', import.meta.url)) });
const kind = process.env.WABLAST_TEST_DB ?? 'pglite';

/**
 * A fresh database with NO migrations applied, opened through `handles` separate connections:
 * on PostgreSQL, separate pools, as separate processes would be; PGlite is one process's embedded
 * database, so every handle is the same instance.
 */
async function unmigratedDatabase(handles: number): Promise<{ dbs: Database[]; close(): Promise<void> }> {
  if (kind !== 'postgres') {
    const db = await openDatabase({ dataDir: 'memory://' });
    return { dbs: Array.from({ length: handles }, () => db), close: () => db.close() };
  }
  const empty = await createEmptyDatabase('wablast_migrate');
  const dbs = await Promise.all(Array.from({ length: handles }, () => openDatabase({ url: empty.url, poolMax: 2 })));
  return {
    dbs,
    close: async () => {
      await Promise.all(dbs.map((d) => d.close()));
      await empty.drop();
    },
  };
}

async function recorded(db: Database): Promise<Array<{ hash: string; n: number }>> {
  return rows<{ hash: string; n: number }>(db.db, sql`SELECT hash, count(*)::int AS n FROM wablast_migrations GROUP BY hash ORDER BY hash`);
}

describe('migrate', () => {
  it('has at least one committed migration', () => {
    expect(MIGRATIONS.length).toBeGreaterThan(0);
  });

  it('two concurrent runs on a fresh database apply each migration exactly once', async () => {
    const fresh = await unmigratedDatabase(2);
    try {
      const applied = await Promise.all(fresh.dbs.map((d) => migrate(d.db)));
      expect(applied.reduce((a, b) => a + b, 0)).toBe(MIGRATIONS.length);
      expect([...applied].sort()).toEqual([0, MIGRATIONS.length]);
      expect(await recorded(fresh.dbs[0]!)).toEqual(
        MIGRATIONS.map((m) => ({ hash: m.hash, n: 1 })).sort((a, b) => a.hash.localeCompare(b.hash)),
      );
      // The schema is whole: the blast tables answer.
      const [c] = await rows<{ n: number }>(fresh.dbs[1]!.db, sql`SELECT count(*)::int AS n FROM blasts`);
      expect(c!.n).toBe(0);
    } finally {
      await fresh.close();
    }
  });

  it('many concurrent runs still apply each migration once', async () => {
    const fresh = await unmigratedDatabase(5);
    try {
      const applied = await Promise.all(fresh.dbs.flatMap((d) => [migrate(d.db), migrate(d.db)]));
      expect(applied.reduce((a, b) => a + b, 0)).toBe(MIGRATIONS.length);
      expect(applied.filter((n) => n > 0)).toEqual([MIGRATIONS.length]);
      for (const { n } of await recorded(fresh.dbs[0]!)) expect(n).toBe(1);
    } finally {
      await fresh.close();
    }
  });

  it('a second run on a migrated database applies nothing and changes nothing', async () => {
    const db = await createTestDatabase();
    try {
      const before = await rows(db.db, sql`SELECT hash, created_at, applied_at FROM wablast_migrations ORDER BY hash`);
      expect(before).toHaveLength(MIGRATIONS.length);
      expect(await migrate(db.db)).toBe(0);
      expect(await rows(db.db, sql`SELECT hash, created_at, applied_at FROM wablast_migrations ORDER BY hash`)).toEqual(before);
    } finally {
      await db.close();
    }
  });

  it("the schema's generated status_rank agrees with the domain's RANK for every status", async () => {
    const db = await createTestDatabase();
    try {
      const [blast] = await rows<{ id: number }>(db.db, sql`INSERT INTO blasts (message, device) VALUES ('x', 'd') RETURNING id`);
      const payload = JSON.stringify(STATUSES.map((s, i) => ({ p: `+6012000000${i}`, s })));
      await db.db.execute(
        sql`INSERT INTO blast_recipients (blast_id, phone_number, status)
            SELECT ${blast!.id}, r.p, r.s FROM json_to_recordset(${payload}::json) AS r(p text, s text)`,
      );
      const found = await rows<{ status: string; status_rank: number }>(
        db.db,
        sql`SELECT status, status_rank FROM blast_recipients ORDER BY id`,
      );
      expect(Object.fromEntries(found.map((r) => [r.status, r.status_rank]))).toEqual({ ...RANK });
    } finally {
      await db.close();
    }
  });
});
