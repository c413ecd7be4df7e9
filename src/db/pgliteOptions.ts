import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import v8 from 'node:v8';

/**
 * PostgreSQL's start parameters for PGlite: its defaults with a smaller shared_buffers. PGlite keeps
 * PostgreSQL's 128 MB, all of it inside the WASM heap, which grows to hold whatever pages were ever
 * cached and never gives them back; the embedded database serves one process and the OS page cache
 * sits under it anyway (bench rss_embedded: 331 MB peak at idle with 128 MB, 184 MB with 16 MB).
 */
export function pgliteStartParams(defaults: readonly string[], sharedBuffersMb: number): string[] {
  return [...defaults, '-c', `shared_buffers=${sharedBuffersMb}MB`];
}

/**
 * V8 compiles PGlite's 9 MB of WASM twice by default: quickly (Liftoff), then the hot functions
 * again optimised (TurboFan) in background threads. The second compilation costs ≈ 50–70 MB of
 * peak resident memory and, on a busy 2-core machine, more CPU than it ever wins back for one
 * process's queries (bench rss_embedded: 215 → 140 MB peak, a query loop 2× faster end to end).
 * Must run before the module is compiled; it applies to the process's other WASM too (undici's
 * small HTTP parser), which is only ever in the same process as PGlite here.
 */
export function compileWasmOnce(): void {
  v8.setFlagsFromString('--liftoff-only');
}

/**
 * Creates PGlite's files in an empty data directory in a short-lived child process. initdb in
 * PGlite runs a second PostgreSQL and the initdb program as WASM modules next to the real one and
 * copies the cluster between them: ≈ 770 MB resident for a few seconds, which a long-running
 * process keeps as its high-water mark (glibc does not return it) long after the modules are
 * collected. In a child, it is returned to the OS when the child exits. Does nothing when the
 * directory already holds a cluster.
 */
export async function initPgliteDirectory(dataDir: string, startParams: readonly string[]): Promise<void> {
  if (existsSync(join(dataDir, 'PG_VERSION'))) return;
  const moduleUrl = import.meta.resolve('@electric-sql/pglite');
  const script = `
    const [moduleUrl, dataDir, params] = process.argv.slice(1);
    const { PGlite } = await import(moduleUrl);
    const db = new PGlite(dataDir, { startParams: JSON.parse(params) });
    await db.waitReady;
    await db.close();`;
  await new Promise<void>((resolve, reject) => {
    execFile(
      process.execPath,
      ['--liftoff-only', '--input-type=module', '-e', script, moduleUrl, dataDir, JSON.stringify(startParams)],
      { maxBuffer: 4 * 1024 * 1024 },
      (err, _stdout, stderr) => {
        if (!err) resolve();
        else
          reject(
            new Error(
              `could not create the embedded database in ${dataDir}: ${stderr.trim().split('\n').slice(-3).join(' ') || err.message}`,
            ),
          );
      },
    );
  });
}
