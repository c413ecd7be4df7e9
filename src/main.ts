import { Command } from 'commander';
import { ConfigError, loadConfig } from './config.ts';
import { startWablast } from './app.ts';
import { createLogger } from './log.ts';

/**
 * The `wablast` entry. `serve` runs the service (role all|api|engine); it shuts down gracefully on
 * SIGTERM/SIGINT: stop claiming, finish in-flight sends, flush webhook commits, close the pool.
 */
const program = new Command('wablast').description('Self-hosted WhatsApp blast engine for the WSAPME gateway');

program
  .command('serve', { isDefault: true })
  .description('run the API, dashboard, webhook receiver and sending engine')
  .option('--role <role>', 'all | api | engine (overrides ROLE)')
  .option('--port <port>', 'HTTP port (overrides PORT)')
  .action(async (opts: { role?: string; port?: string }) => {
    let config;
    try {
      config = loadConfig({ ...process.env, ...(opts.role ? { ROLE: opts.role } : {}), ...(opts.port ? { PORT: opts.port } : {}) });
    } catch (err) {
      if (err instanceof ConfigError) {
        process.stderr.write(`${err.message}\n`);
        process.exit(2);
      }
      throw err;
    }
    const log = createLogger(config.logLevel);
    const handle = await startWablast(config, { logger: log });
    log.info({ url: handle.url, role: config.role, database: handle.database.kind }, 'wablast is running');
    if (config.publicUrl && config.gateway.baseUrl) {
      log.info(`set the WSAPME webhook URL to ${config.publicUrl.replace(/\/$/, '')}/webhooks/wsapme?token=<WEBHOOK_SECRET>`);
    }
    let stopping = false;
    const stop = async (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'shutting down');
      const force = setTimeout(() => process.exit(1), 30_000);
      force.unref();
      await handle.close();
      process.exit(0);
    };
    process.on('SIGTERM', () => void stop('SIGTERM'));
    process.on('SIGINT', () => void stop('SIGINT'));
  });

await program.parseAsync(process.argv);
