import { defineConfig } from 'vitest/config';

/**
 * Scenarios that drive whole processes (the engine against the simulator for minutes, the CLI as
 * child processes, sequences over days of clock) exercise the engine rather than the database:
 * they run on PostgreSQL, the production database, only. Everything that is about
 * SQL (migrations, the claim, the monotonic updates, reports, webhooks, pools, pacing counts,
 * archive, the API) and `npm start` on the embedded default still run on both.
 */
const POSTGRES_ONLY = [
  'test/integration/engine-send.test.ts',
  'test/integration/tracking.test.ts',
  'test/integration/sequences.test.ts',
  'test/integration/sender-pools.test.ts',
  'test/integration/connection.test.ts',
  'test/integration/cli.test.ts',
  'test/integration/cli-doctor.test.ts',
  'test/integration/cli-replies.test.ts',
  'test/integration/operator-output.test.ts',
  'test/integration/outbound-webhooks.test.ts',
  'test/integration/poller-sse.test.ts',
  'test/integration/device-hold.test.ts',
  'test/integration/docs.test.ts',
];

/**
 * One suite, two databases: test/integration runs on real PostgreSQL and (but POSTGRES_ONLY) on
 * embedded PGlite, each test file on its own fresh database (test/helpers/testDatabase.ts).
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
      {
        extends: true,
        test: { name: 'pglite', include: ['test/integration/**/*.test.ts'], exclude: POSTGRES_ONLY, env: { WABLAST_TEST_DB: 'pglite' } },
      },
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
