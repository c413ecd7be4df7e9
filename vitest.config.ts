import { defineConfig } from 'vitest/config';

/**
 * One suite, two databases: everything under test/integration runs once on embedded PGlite and
 * once on real PostgreSQL, each test file on its own fresh database (test/helpers/testDatabase.ts).
 * Those projects (with unit and security) share two workers; then the faults, which kill and starve
 * processes, run alone, one file at a time (groupOrder 1), and the browser last (groupOrder 2).
 * Timeouts only stop a hung test: nothing asserts on how long anything took.
 */
export default defineConfig({
  test: {
    maxWorkers: 2,
    testTimeout: 120_000,
    hookTimeout: 120_000,
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
          sequence: { groupOrder: 1 },
        },
      },
      // One test per attack of SECURITY.md, against the whole service on real PostgreSQL.
      { extends: true, test: { name: 'security', include: ['test/security/**/*.test.ts'], env: { WABLAST_TEST_DB: 'postgres' } } },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 180_000,
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
