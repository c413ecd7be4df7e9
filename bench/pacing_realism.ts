/**
 * pacing_realism (issue 13): 500 messages under `safe` against the simulator over real HTTP, on a
 * virtual clock that jumps over the pacing waits (bench/lib/jumpingClock.ts), so a day and a half
 * of careful sending takes a minute. Checked on the engine's own send log (device_sends, at the
 * engine's clock): no gap below the preset's minimum, a coefficient of variation of the gaps of at
 * least 0.3, no sliding hour and no local day above its cap, nothing outside the window, and the
 * finish within 10 % of the ETA the API announced when the blast was sent. Then, in the same run,
 * `fast` on the real clock against the simulator's limit (≥ 0.95 of it).
 */
import { randomBytes } from 'node:crypto';
import { startWablast, type WablastHandle } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { isOpen, localDay, parseSendWindow } from '../src/domain/sendWindow.ts';
import { SAFE } from '../src/domain/pacingRules.ts';
import { WsapmeSimulator } from '../sim/simulator.ts';
import { createBenchDatabase, pgClient } from './lib/db.ts';
import { api, until } from './lib/http.ts';
import { JumpingClock } from './lib/jumpingClock.ts';
import { phoneNumbers } from './lib/phones.ts';
import { type BenchOutcome, round } from './lib/result.ts';

const TZ = 'Asia/Kuala_Lumpur';
const WINDOW = 'mon-sat 09:00-20:00';
/** Monday 2026-11-30 07:00 in Kuala Lumpur: the run starts two hours before the window opens. */
const START = Date.UTC(2026, 10, 29, 23, 0);
const HOUR = 3_600_000;
export const FAST_LIMIT = 100;

export async function pacingRealism(messages: number, fastMessages: number): Promise<BenchOutcome> {
  const db = await createBenchDatabase('pacing');
  const simOptions = {
    ratePerSecond: FAST_LIMIT,
    statusRatePerSecond: FAST_LIMIT,
    latencyMs: 20,
    latencyJitterMs: 10,
    notOnWhatsAppSuffix: null,
    seed: 13,
  };
  let sim = await WsapmeSimulator.start(simOptions);
  const secret = randomBytes(12).toString('hex');
  const env = {
    DATABASE_URL: db.url,
    WSAPME_BASE_URL: sim.url,
    WEBHOOK_SECRET: secret,
    PORT: '0',
    LOG_LEVEL: 'silent',
    POLL_MODE: 'off',
    SEND_TIMEZONE: TZ,
    SEND_WINDOW: WINDOW,
  };
  let app: WablastHandle | null = null;
  try {
    // 1. safe, on the jumping clock.
    const clock = new JumpingClock(START);
    app = await startWablast(loadConfig({ ...env, PACING_PRESET: 'safe' }), { clock, listen: true });
    sim.configure({ webhookUrl: `${app.url}/webhooks/wsapme`, webhookSecret: secret });
    const created = await api<{ blast_id: number }>(app.url, 'POST', '/api/blasts', {
      message: 'Hello {{phone}}',
      recipients: phoneNumbers(messages),
      device: 'safe-1',
    });
    await api(app.url, 'POST', `/api/blasts/${created.blast_id}/send`);
    const announced = await api<{ plan: { finishes_at: string; eta_seconds: number; eta_text: string; summary: string } }>(
      app.url,
      'GET',
      `/api/blasts/${created.blast_id}`,
    );
    const announcedAt = clock.now();
    const realStart = Date.now();
    await until(
      async () => (await api<{ state: string }>(app!.url, 'GET', `/api/blasts/${created.blast_id}`)).state === 'completed',
      30 * 60_000,
      200,
    );
    const realSeconds = (Date.now() - realStart) / 1000;
    const times = await sendTimes(db.url, 'safe-1');
    await app.close();
    app = null;

    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    const cv = coefficientOfVariation(gaps);
    const burstCv = coefficientOfVariation(gaps.filter((g) => g <= SAFE.maxGapMs));
    const minGap = Math.min(...gaps);
    const maxHour = maxInSlidingHour(times);
    const perDay = new Map<string, number>();
    for (const t of times) perDay.set(localDay(TZ, t), (perDay.get(localDay(TZ, t)) ?? 0) + 1);
    const maxDay = Math.max(...perDay.values());
    const window = (parseSendWindow(WINDOW) as { ok: true; window: Parameters<typeof isOpen>[0] }).window;
    const outside = times.filter((t) => !isOpen(window, TZ, t)).length;
    const finished = times[times.length - 1]!;
    const etaMs = Date.parse(announced.plan.finishes_at) - announcedAt;
    const etaError = Math.abs(finished - announcedAt - etaMs) / etaMs;
    const eachOnce = times.length === messages && Object.values(sim.tally()).every((n) => n === 1);

    // 2. fast, on the real clock, against the simulator's limit. A new simulator with another
    // seed: the same seed (or a reset) would hand out the first phase's message ids again.
    await sim.close();
    sim = await WsapmeSimulator.start({ ...simOptions, seed: simOptions.seed + 1 });
    app = await startWablast(
      loadConfig({
        ...env,
        WSAPME_BASE_URL: sim.url,
        PACING_PRESET: 'fast',
        SEND_WINDOW: 'always',
        SEND_RATE: String(FAST_LIMIT),
        SEND_BURST: '10',
      }),
      { listen: true },
    );
    sim.configure({ webhookUrl: `${app.url}/webhooks/wsapme`, webhookSecret: secret });
    const fast = await api<{ blast_id: number }>(app.url, 'POST', '/api/blasts', {
      message: 'Hi',
      recipients: phoneNumbers(fastMessages, messages),
      device: 'fast-1',
    });
    await api(app.url, 'POST', `/api/blasts/${fast.blast_id}/send`);
    await until(() => sim.stats().accepted >= fastMessages, 600_000, 10);
    const accepted = sim
      .messages()
      .map((m) => m.acceptedAt)
      .sort((a, b) => a - b);
    const p10 = accepted[Math.floor(accepted.length * 0.1)]!;
    const p90 = accepted[Math.floor(accepted.length * 0.9)]!;
    const fastRate = (Math.floor(accepted.length * 0.9) - Math.floor(accepted.length * 0.1)) / ((p90 - p10) / 1000);

    const ratio = (finished - announcedAt) / etaMs;
    const met =
      eachOnce &&
      minGap >= SAFE.minGapMs &&
      cv >= 0.3 &&
      maxHour <= SAFE.hourlyCap &&
      maxDay <= SAFE.dailyCap &&
      outside === 0 &&
      etaError <= 0.1 &&
      fastRate / FAST_LIMIT >= 0.95;
    return {
      result: {
        name: 'pacing_realism',
        value: round(ratio),
        unit: '× ETA',
        baseline: 1,
        ratio: round(ratio),
        goal: 'caps, gaps ≥ min, CV ≥ 0.3, ±10 % of ETA; fast ≥ 0.95',
        met,
      },
      details: {
        safe: {
          messages: times.length,
          each_once: eachOnce,
          plan: announced.plan.summary,
          announced: announced.plan.eta_text,
          announced_finish: announced.plan.finishes_at,
          finished: new Date(finished).toISOString(),
          eta_error: round(etaError),
          min_gap_s: round(minGap / 1000),
          mean_gap_s: round(gaps.reduce((a, b) => a + b, 0) / gaps.length / 1000),
          cv_gaps: round(cv),
          cv_gaps_within_bursts: round(burstCv),
          max_sliding_hour: maxHour,
          per_local_day: Object.fromEntries(perDay),
          sent_outside_window: outside,
          virtual_hours: round((finished - START) / HOUR),
          real_seconds: round(realSeconds),
        },
        fast: { messages: fastMessages, limit: FAST_LIMIT, steady_rate: round(fastRate), ratio: round(fastRate / FAST_LIMIT) },
      },
    };
  } finally {
    await app?.close();
    await sim.close();
    await db.drop();
  }
}

async function sendTimes(url: string, device: string): Promise<number[]> {
  const client = pgClient(url);
  await client.connect();
  try {
    const r = await client.query<{ t: number }>(
      'SELECT (extract(epoch FROM sent_at) * 1000)::float8 AS t FROM device_sends WHERE device = $1 ORDER BY sent_at',
      [device],
    );
    return r.rows.map((x) => Number(x.t));
  } finally {
    await client.end();
  }
}

function coefficientOfVariation(xs: number[]): number {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
  return sd / mean;
}

function maxInSlidingHour(times: number[]): number {
  let max = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[j]! <= times[i]! - HOUR) j++;
    max = Math.max(max, i - j + 1);
  }
  return max;
}
