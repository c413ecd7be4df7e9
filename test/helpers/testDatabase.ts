import { type Database, openDatabase } from '../../src/db/client.ts';
import { migrate } from '../../src/db/migrate.ts';
import { createEmptyDatabase } from './postgresAdmin.ts';

export type TestDb = Database & { url: string | undefined; name: string | undefined };

/**
 * A fresh, migrated database for one test file: an in-memory PGlite, or a new PostgreSQL database
 * (dropped on close) when WABLAST_TEST_DB=postgres. Nothing is shared between files.
 */
export async function createTestDatabase(kind = process.env.WABLAST_TEST_DB ?? 'pglite'): Promise<TestDb> {
  if (kind !== 'postgres') {
    const db = await openDatabase({ dataDir: 'memory://' });
    await migrate(db.db);
    return Object.assign(db, { url: undefined, name: undefined });
  }
  const empty = await createEmptyDatabase('wablast_test');
  const db = await openDatabase({ url: empty.url, poolMax: 10 });
  await migrate(db.db);
  const close = db.close;
  return Object.assign(db, {
    url: empty.url,
    name: empty.name,
    close: async () => {
      await close();
      await empty.drop();
    },
  });
}
