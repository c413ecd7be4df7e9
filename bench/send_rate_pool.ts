/**
 * send_rate_pool: ten devices, each limited by the simulator to PER_DEVICE accepted messages per
 * second, sent by two engine processes (ROLE=engine) while a third process serves the API and the
 * webhooks (ROLE=api), all on one PostgreSQL: `recipients` spread over ten blasts, one per device.
 * The clock runs from the first send request to the simulator's acceptance of the last message;
 * the aggregate rate is compared with the sum of the limits. Then checked: every number accepted
 * exactly once, and no device above its limit in any one-second window (the simulator's sliding
 * peak per device).
 */
import { randomBytes } from 'node:crypto';
import { WsapmeSimulator } from '../sim/simulator.ts';
import { AppProcess } from './lib/appProcess.ts';
import { createBenchDatabase } from './lib/db.ts';
import { api, until } from './lib/http.ts';
import { phoneNumbers } from './lib/phones.ts';
import { type BenchOutcome, round } from './lib/result.ts';

const DEVICES = 10;
const PER_DEVICE = 100;
export const POOL_GOAL = `≥ 0.9 of ${DEVICES} × ${PER_DEVICE}/s, no device over its limit`;

export async function sendRatePool(recipients: number): Promise<BenchOutcome> {
  const sim = await WsapmeSimulator.start({
    ratePerSecond: PER_DEVICE,
    statusRatePerSecond: PER_DEVICE,
    latencyMs: 50,
    latencyJitterMs: 0,
    notOnWhatsAppSuffix: null,
    seed: 3,
  });
  const db = await createBenchDatabase('pool');
  const secret = randomBytes(12).toString('hex');
  const apps: AppProcess[] = [];
  try {
    const common = {
      DATABASE_URL: db.url,
      WSAPME_BASE_URL: sim.url,
      WEBHOOK_SECRET: secret,
      SEND_RATE: String(PER_DEVICE),
      SEND_BURST: '10',
      SEND_CONCURRENCY: '32',
    };
    const apiApp = await AppProcess.start('pool_api', { ...common, ROLE: 'api' });
    apps.push(apiApp);
    for (const n of [1, 2]) apps.push(await AppProcess.start(`pool_engine${n}`, { ...common, ROLE: 'engine' }));
    sim.configure({ webhookUrl: `${apiApp.url}/webhooks/wsapme`, webhookSecret: secret });
    sim.reset();

    const phones = phoneNumbers(recipients);
    const per = Math.ceil(recipients / DEVICES);
    const ids: number[] = [];
    for (let d = 0; d < DEVICES; d++) {
      const created = await api<{ blast_id: number }>(apiApp.url, 'POST', '/api/blasts', {
        blast_tag: 'bench send_rate_pool',
        message: 'Hello {{phone}}',
        device: `pool${d}`,
        recipients: phones.slice(d * per, (d + 1) * per),
      });
      ids.push(created.blast_id);
    }
    const t0 = Date.now();
    for (const id of ids) await api(apiApp.url, 'POST', `/api/blasts/${id}/send`);
    await until(() => sim.stats().accepted >= recipients, 600_000, 20);
    const last = Math.max(...sim.messages().map((m) => m.acceptedAt));
    const seconds = (last - t0) / 1000;
    const rate = recipients / seconds;
    const limit = DEVICES * PER_DEVICE;

    const tally = Object.values(sim.tally());
    const twice = tally.filter((n) => n > 1).length;
    const stats = sim.stats();
    const peaks = stats.peakPerDevicePerSlidingSecond;
    const overLimit = Object.entries(peaks).filter(([, n]) => n > PER_DEVICE);
    const perDevice = Object.fromEntries(Object.entries(peaks).sort());
    const correct = tally.length === recipients && twice === 0 && overLimit.length === 0;
    return {
      result: {
        name: 'send_rate_pool',
        value: round(rate),
        unit: 'msg/s',
        baseline: limit,
        ratio: round(rate / limit),
        goal: POOL_GOAL,
        met: correct && rate >= 0.9 * limit,
      },
      details: {
        recipients,
        devices: DEVICES,
        per_device_limit: PER_DEVICE,
        processes: '1 api + 2 engines',
        seconds_to_last_accept: round(seconds),
        sent_twice: twice,
        rejected_429: stats.rejected429,
        busiest_sliding_second_per_device: perDevice,
        ...(correct
          ? {}
          : {
              error: overLimit.length
                ? `devices over their limit: ${overLimit.map(([d]) => d).join(', ')}`
                : 'not every number was sent exactly once',
            }),
      },
    };
  } finally {
    for (const a of apps) await a.stop();
    await sim.close();
    await db.drop();
  }
}
