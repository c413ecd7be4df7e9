import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../helpers/freePort.ts';
import { adminQuery, createEmptyDatabase, databaseUrl, queryOnce } from '../../helpers/postgresAdmin.ts';

/**
 * A PostgreSQL server this test may restart. By default a throwaway cluster of its own (initdb in
 * a temp directory, on a free port), so restarting it cannot break other test files that share the
 * main cluster. Where that is impossible (no initdb, or FAULTS_PG=main) it falls back to a fresh
 * database on the main cluster and restarts that with pg_ctlcluster, briefly.
 */
export interface RestartablePostgres {
  url: string;
  kind: 'private' | 'main';
  /**
   * A full server restart (fast shutdown: every session is terminated), staying down for
   * `downMs` so that clients really meet a dead server; resolves with the outage in ms.
   */
  restart(downMs?: number): Promise<number>;
  /** pg_terminate_backend for every session of the test database but the caller's. */
  terminateBackends(): Promise<number>;
  close(): Promise<void>;
}

function binDir(): string | null {
  try {
    const dir = execFileSync('pg_config', ['--bindir'], { encoding: 'utf8' }).trim();
    if (existsSync(join(dir, 'initdb'))) return dir;
  } catch {
    // no pg_config on PATH
  }
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) if (existsSync(join(root, v, 'bin', 'initdb'))) return join(root, v, 'bin');
  return null;
}

export async function restartablePostgres(): Promise<RestartablePostgres> {
  const bin = binDir();
  if (process.env.FAULTS_PG !== 'main' && bin) {
    try {
      return await privateCluster(bin);
    } catch (err) {
      console.warn(
        `[faults] private PostgreSQL unavailable (${(err as Error).message.split('\n')[0]}); restarting the main cluster instead`,
      );
    }
  }
  return mainCluster();
}

async function privateCluster(bin: string): Promise<RestartablePostgres> {
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'wablast-pg-'));
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  const run = (cmd: string, args: string[]) => {
    const full = asRoot ? (['runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args]] as const) : ([join(bin, cmd), args] as const);
    const r = spawnSync(full[0], [...full[1]], { encoding: 'utf8', timeout: 60_000 });
    if (r.status !== 0) throw new Error(`${cmd} failed: ${r.stderr || r.stdout}`);
  };
  const data = join(dir, 'data');
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
  const port = await freePort();
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=200`;
  run('pg_ctl', ['-D', data, '-o', opts, '-l', join(dir, 'log'), '-w', '-t', '60', 'start']);
  const url = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  const admin = (text: string) => queryOnce(url, text);
  await admin('CREATE DATABASE wablast_faults');
  const dbUrl = databaseUrl(url, 'wablast_faults');
  return {
    url: dbUrl,
    kind: 'private',
    restart: async (downMs = 0) => {
      const started = Date.now();
      run('pg_ctl', ['-D', data, '-m', 'fast', '-w', '-t', '60', 'stop']);
      await new Promise((r) => setTimeout(r, downMs));
      // -l again: without it the new postmaster would hold our stdout pipe open and spawnSync would wait on it.
      run('pg_ctl', ['-D', data, '-o', opts, '-l', join(dir, 'log'), '-w', '-t', '60', 'start']);
      return Date.now() - started;
    },
    terminateBackends: async () => {
      const r = await admin(
        `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = 'wablast_faults' AND pid <> pg_backend_pid()`,
      );
      return (r.rows[0] as { n: number }).n;
    },
    close: async () => {
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

async function mainCluster(): Promise<RestartablePostgres> {
  const { name, url, drop } = await createEmptyDatabase('wablast_faults');
  const version = readdirSync('/etc/postgresql')[0]!;
  return {
    url,
    kind: 'main',
    // The shared cluster: restart at once whatever downMs says, other test files depend on it.
    restart: async () => {
      const started = Date.now();
      // pg_ctlcluster's default mode is fast: every session is terminated.
      const r = spawnSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'restart'], {
        encoding: 'utf8',
        timeout: 60_000,
      });
      if (r.status !== 0) throw new Error(`pg_ctlcluster restart failed: ${r.stderr}`);
      return Date.now() - started;
    },
    terminateBackends: async () => {
      const r = await adminQuery(
        `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = '${name}' AND pid <> pg_backend_pid()`,
      );
      return (r.rows[0] as { n: number }).n;
    },
    close: drop,
  };
}
