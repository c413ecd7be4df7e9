import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { type Db, rows } from './client.ts';

const MIGRATIONS_FOLDER = fileURLToPath(new URL('./migrations', import.meta.url));
// Any constant works; it only has to be the same for every wablast process.
const MIGRATION_LOCK_KEY = 0x77_61_62_6c; // 'wabl'

/**
 * Applies drizzle-kit's committed SQL migrations. All of them run in one transaction that first
 * takes a transaction-scoped advisory lock, so two processes starting at once apply each migration
 * exactly once (the second waits, then sees them recorded). Transaction-scoped, not session-scoped,
 * so it is safe behind a pooler such as Neon's.
 */
export async function migrate(db: Db): Promise<number> {
  const migrations = readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDER });
  return db.transaction(async (tx) => {
    await tx.execute(sql`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
    await tx.execute(sql`CREATE TABLE IF NOT EXISTS wablast_migrations (
      hash text PRIMARY KEY,
      created_at bigint NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
    const done = new Set((await rows<{ hash: string }>(tx, sql`SELECT hash FROM wablast_migrations`)).map((r) => r.hash));
    let applied = 0;
    for (const m of migrations) {
      if (done.has(m.hash)) continue;
      for (const statement of m.sql) if (statement.trim()) await tx.execute(sql.raw(statement));
      await tx.execute(sql`INSERT INTO wablast_migrations (hash, created_at) VALUES (${m.hash}, ${m.folderMillis})`);
      applied++;
    }
    return applied;
  });
}
