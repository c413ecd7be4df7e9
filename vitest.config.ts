import { defineConfig } from 'vitest/config';

/**
 * One suite, two databases: everything under test/integration runs once on embedded PGlite and
 * once on real PostgreSQL, each test file on its own fresh database (test/helpers/testDatabase.ts).
 */
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/unit/**/*.test.ts', 'test/gateway/**/*.test.ts'] } },
      { extends: true, test: { name: 'pglite', include: ['test/integration/**/*.test.ts'], env: { WABLAST_TEST_DB: 'pglite' } } },
      { extends: true, test: { name: 'postgres', include: ['test/integration/**/*.test.ts'], env: { WABLAST_TEST_DB: 'postgres' } } },
      {
        extends: true,
        test: {
          name: 'faults',
          include: ['test/faults/**/*.test.ts', 'test/contract/**/*.test.ts'],
          env: { WABLAST_TEST_DB: 'postgres' },
          fileParallelism: false,
          testTimeout: 300_000,
        },
      },
      // One test per attack of SECURITY.md, against the whole service on real PostgreSQL.
      { extends: true, test: { name: 'security', include: ['test/security/**/*.test.ts'], env: { WABLAST_TEST_DB: 'postgres' } } },
      { extends: true, test: { name: 'browser', include: ['test/browser/**/*.test.ts'], fileParallelism: false, testTimeout: 180_000 } },
    ],
  },
});
