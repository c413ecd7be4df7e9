import { Command } from 'commander';
import { ConfigError, loadConfig } from './config.ts';
import { createLogger } from './log.ts';
import { registerCli } from './cli/index.ts';
import { ENABLE_STATUS_REMINDER, webhookUrl } from './webhooks/webhookUrl.ts';

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
    let config: ReturnType<typeof loadConfig>;
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
    log.info({ url: handle.url || null, role: config.role, database: handle.database.kind }, 'wablast is running');
    const secret = handle.config.webhookSecret;
    if (secret && config.gateway.baseUrl) {
      // Masked: the full URL is the secret (GET /api/webhook-url?reveal=true shows it).
      const base = config.publicUrl ?? `http://localhost:${handle.url ? new URL(handle.url).port : config.port}`;
      log.info({ webhook_url: webhookUrl(base, secret).masked }, `set the WSAPME webhook URL to this (full URL: GET /api/webhook-url?reveal=true). ${ENABLE_STATUS_REMINDER}`);
    }
    let stopping = 0;
    const stop = async (signal: string) => {
      // Under `npm start` one Ctrl-C or group SIGTERM arrives twice (the kernel's and npm's forward):
      // a repeat within a second is the same request, not an order to exit now.
      if (stopping && Date.now() - stopping < 1_000) return;
      if (stopping) {
        log.warn({ signal }, 'second signal: exiting now');
        process.exit(1);
      }
      stopping = Date.now();
      const started = stopping;
      log.info({ signal }, 'shutting down: no new claims; finishing in-flight sends and webhook commits');
      // Bounded: a send in flight ends within the gateway timeout; a database that stays down would hold us forever.
      const force = setTimeout(() => {
        log.error('shutdown took longer than 30 s; exiting (messages still in flight become UNCERTAIN)');
        process.exit(1);
      }, 30_000);
      force.unref();
      try {
        await handle.close();
      } catch (err) {
        log.error({ err: (err as Error).message }, 'shutdown failed');
        process.exit(1);
      }
      log.info({ ms: Date.now() - started }, 'stopped cleanly');
      process.exit(0);
    };
    process.on('SIGTERM', () => void stop('SIGTERM'));
    process.on('SIGINT', () => void stop('SIGINT'));
  });

registerCli(program);

await program.parseAsync(process.argv);
