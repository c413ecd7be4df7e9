// The README's test command: lint and format (Biome), typecheck (server and dashboard), then every vitest project (unit, PGlite, PostgreSQL,
// faults, browser), ending with one plain line "N passed, N failed" so an empty run is visible.
// Extra arguments go to vitest (e.g. `npm test -- --project unit`).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { INSTALL_HINT, ensureChromium } from './chromium.mjs';

const args = process.argv.slice(2);
// With no arguments: the typechecks too (decided before a missing browser adds an argument).
const everything = args.length === 0;
let failed = 0;
let passed = 0;

// The browser project needs a Chromium: found, installed (Debian as root), or one failure line.
const projects = args.flatMap((a, i) => (a.startsWith('--project=') ? [a.slice(10)] : a === '--project' ? [args[i + 1]] : []));
const files = args.filter((a) => a.startsWith('test/'));
const wantsBrowser = projects.length ? projects.includes('browser') : files.length === 0 || files.some((f) => f.startsWith('test/browser'));
if (wantsBrowser) {
  const chromium = ensureChromium();
  if (chromium) process.env.CHROMIUM_PATH = chromium;
  else {
    process.stdout.write(`browser: FAILED, ${INSTALL_HINT}\n`);
    failed++;
    args.push('--project=!browser');
  }
}

if (everything) {
  // Lint and format (biome.json): errors fail (`npm run lint` also lists the warnings).
  const lint = spawnSync(process.execPath, ['node_modules/@biomejs/biome/bin/biome', 'ci', '.', '--diagnostic-level=error'], {
    stdio: 'inherit',
  });
  if (lint.status === 0) passed++;
  else failed++;
  process.stdout.write(`lint: ${lint.status === 0 ? 'ok' : 'FAILED'}\n`);
  // The server, tests and benchmarks; then the dashboard, which vite builds without checking.
  for (const [name, project] of [
    ['typecheck', 'tsconfig.json'],
    ['typecheck web', 'web/tsconfig.json'],
  ]) {
    const tsc = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', project], { stdio: 'inherit' });
    if (tsc.status === 0) passed++;
    else failed++;
    process.stdout.write(`${name}: ${tsc.status === 0 ? 'ok' : 'FAILED'}\n`);
  }
}

mkdirSync('test-results', { recursive: true });
const out = 'test-results/vitest.json';
const run = spawnSync(
  process.execPath,
  ['node_modules/vitest/vitest.mjs', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${out}`, ...args],
  { stdio: 'inherit' },
);
try {
  const report = JSON.parse(readFileSync(out, 'utf8'));
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  // A file that failed to load has no tests to count; count it so it cannot pass silently.
  failed += report.testResults.filter((f) => f.status === 'failed' && f.assertionResults.length === 0).length;
} catch {
  failed++;
}
if (run.status !== 0 && failed === 0) failed++;
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exit(failed === 0 ? 0 : 1);
