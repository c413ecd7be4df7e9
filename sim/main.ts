import { z } from 'zod';
import { createLogger } from '../src/log.ts';
import { WsapmeSimulator } from './simulator.ts';

// `npm run sim`: the simulator as its own program, so it reads its own environment.
const env = z
  .object({
    SIM_PORT: z.coerce.number().int().min(0).max(65535).default(4010),
    SIM_HOST: z.string().default('127.0.0.1'),
    SIM_WEBHOOK_URL: z.url().optional(),
    SIM_WEBHOOK_SECRET: z.string().min(1).optional(),
    SIM_RATE: z.coerce.number().int().min(1).optional(),
    SIM_API_KEY: z.string().min(1).optional(),
    SIM_SEED: z.coerce.number().int().optional(),
    LOG_LEVEL: z.string().default('info'),
  })
  .safeParse(process.env);

const log = createLogger(env.success ? env.data.LOG_LEVEL : 'info').child({ component: 'sim' });

if (!env.success) {
  const issue = env.error.issues[0];
  log.fatal(`invalid ${issue?.path.join('.') ?? 'environment'}: ${issue?.message ?? 'bad value'}`);
  process.exit(1);
}

const e = env.data;
const sim = await WsapmeSimulator.start({
  port: e.SIM_PORT,
  host: e.SIM_HOST,
  logger: log,
  webhookUrl: e.SIM_WEBHOOK_URL,
  webhookSecret: e.SIM_WEBHOOK_SECRET,
  ratePerSecond: e.SIM_RATE,
  apiKey: e.SIM_API_KEY,
  seed: e.SIM_SEED,
});
log.info(
  { url: sim.url, webhookUrl: e.SIM_WEBHOOK_URL ?? null, ratePerSecond: sim.options.ratePerSecond },
  `WSAPME simulator listening on ${sim.url} (controls at ${sim.url}/__sim/config)`,
);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log.info({ signal }, 'simulator stopping');
    void sim.close().then(() => process.exit(0));
  });
}
