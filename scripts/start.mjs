// `npm start`: builds dist/ and web/dist when missing or older than their sources, then runs the
// compiled server in this same process — no shell or second node in between, so a supervisor's
// SIGTERM reaches the server and its graceful shutdown. Arguments go to the CLI (`npm start -- --port 3001`).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { stale } from './build.mjs';

if (stale().length) {
  // A child process, so the build tools' memory is not kept by the server.
  const build = spawnSync(process.execPath, [fileURLToPath(new URL('./build.mjs', import.meta.url)), '--if-needed'], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
await import('../dist/main.js');
