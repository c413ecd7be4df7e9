import { Command } from 'commander';
import { ConfigError, loadConfig } from './config.ts';
import { createLogger } from './log.ts';
import { registerCli } from './cli/index.ts';

/**
 * The `wablast` entry. `serve` runs the service (role all|api|engine); it shuts down gracefully on
 * SIGTERM/SIGINT: stop claiming, finish in-flight sends, flush webhook commits, close the pool.
 * `blasts …` is the command-line client of a running server's HTTP API (src/cli/).
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
    // Loaded here so the client commands start without the server's modules.
    const { startWablast } = await import('./app.ts');
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

registerCli(program);

await program.parseAsync(process.argv);
