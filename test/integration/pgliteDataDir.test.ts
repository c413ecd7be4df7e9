import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, rows } from '../../src/db/client.ts';

// The embedded database on disk, as `npm start` opens it with nothing configured: created by a
// child process (src/db/pgliteOptions.ts), then opened here with a small shared_buffers.
describe.skipIf(process.env.WABLAST_TEST_DB === 'postgres')('PGlite in a data directory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wablast-pglite-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the cluster in a child process, keeps its data, and opens with the configured shared_buffers', async () => {
    const dataDir = join(dir, 'data');
    const first = await openDatabase({ dataDir, pgliteSharedBuffersMb: 8 });
    expect(existsSync(join(dataDir, 'PG_VERSION'))).toBe(true);
    expect((await rows<{ shared_buffers: string }>(first.db, sql`SHOW shared_buffers`))[0]!.shared_buffers).toBe('8MB');
    await first.db.execute(sql`CREATE TABLE kept (v text)`);
    await first.db.execute(sql`INSERT INTO kept VALUES ('still here')`);
    await first.close();

    const again = await openDatabase({ dataDir });
    expect((await rows<{ v: string }>(again.db, sql`SELECT v FROM kept`)).map((r) => r.v)).toEqual(['still here']);
    expect((await rows<{ shared_buffers: string }>(again.db, sql`SHOW shared_buffers`))[0]!.shared_buffers).toBe('16MB');
    await again.close();
  });
});
