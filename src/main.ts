import { Command } from 'commander';
import { ConfigError, loadConfig } from './config.ts';
import { applyMemoryMode } from './util/memoryMode.ts';
import type { WablastHandle } from './app.ts';
import { createLogger } from './log.ts';
import { registerCli } from './cli/index.ts';
import { humanLogStream } from './terminal/humanLog.ts';
import { listenHint } from './terminal/listenHint.ts';
import { startBanner } from './terminal/startBanner.ts';
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
    applyMemoryMode(config.memoryMode);
    const pretty = config.logFormat === 'pretty' || (config.logFormat === 'auto' && Boolean(process.stdout.isTTY));
    const log = createLogger(config.logLevel, pretty ? humanLogStream(process.stdout, { color: config.logColor }) : undefined);
    // Loaded here so the client commands start without the server's modules.
    const { startWablast, VERSION } = await import('./app.ts');
    let handle: WablastHandle;
    try {
      handle = await startWablast(config, { logger: log });
    } catch (err) {
      const hint = listenHint(err, config.port, config.host);
      if (!hint) throw err;
      // A mistake the person can fix: one line, no stack.
      if (pretty) process.stderr.write(`error: ${hint}\n`);
      else log.fatal({ code: (err as { code?: string }).code, port: config.port }, hint);
      process.exit(1);
    }
    const secret = handle.config.webhookSecret;
    const base = config.publicUrl ?? `http://localhost:${handle.url ? new URL(handle.url).port : config.port}`;
    // Masked: the full URL is the secret (GET /api/webhook-url?reveal=true shows it).
    const webhook = secret && config.gateway.baseUrl ? webhookUrl(base, secret).masked : null;
    const facts = {
      version: VERSION,
      url: handle.url,
      publicUrl: config.publicUrl,
      role: config.role,
      simulator: handle.simulator !== null,
      gatewayUrl: config.gateway.baseUrl ? safeOrigin(config.gateway.baseUrl) : undefined,
      database: handle.database.kind,
      dataDir: config.dataDir,
      webhookUrlMasked: webhook,
    };
    if (pretty) {
      process.stdout.write(`\n${startBanner(facts)}\n`);
      if (webhook) log.info(`set the WSAPME webhook URL shown above. ${ENABLE_STATUS_REMINDER}`);
    } else {
      const dashboard = handle.url && config.role !== 'engine' ? `${(config.publicUrl ?? handle.url).replace(/\/$/, '')}/` : null;
      log.info(
        {
          url: handle.url || null,
          dashboard,
          docs: dashboard ? `${dashboard}docs` : null,
          role: config.role,
          database: handle.database.kind,
          gateway: facts.simulator ? 'simulator' : 'wsapme',
        },
        'wablast is running',
      );
      if (webhook)
        log.info(
          { webhook_url: webhook },
          `set the WSAPME webhook URL to this (full URL: GET /api/webhook-url?reveal=true). ${ENABLE_STATUS_REMINDER}`,
        );
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

/** The gateway's address as it may be shown: no credentials, no query. */
function safeOrigin(url: string): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname === '/' ? '' : u.pathname}`;
}

await program.parseAsync(process.argv);
