// Builds the dashboard when web/dist is missing or older than its sources, so `npm start` on a
// fresh clone serves it with nothing run by hand.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const newest = (dir) =>
  readdirSync(dir, { withFileTypes: true }).reduce((m, e) => {
    const p = join(dir, e.name);
    return Math.max(m, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }, 0);

const dist = 'web/dist/index.html';
if (existsSync('web/index.html') && (!existsSync(dist) || statSync(dist).mtimeMs < Math.max(newest('web/src'), statSync('web/index.html').mtimeMs))) {
  process.stdout.write('building the dashboard (web/dist)...\n');
  execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--config', 'web/vite.config.ts', '--logLevel', 'warn'], { stdio: 'inherit' });
}
