import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/client.ts';
import { printFigures } from './support/promise.ts';
import { phones, sleep } from './support/processes.ts';
import { Rig } from './support/rig.ts';

/**
 * The gateway misbehaves in every way at once while a blast is sending: one request in five
 * answered 5xx, one in twenty accepted but never answered (a timeout after the request left),
 * storms of 429, and two-second latency spikes. The blast must still complete; only the timeouts
 * may be UNCERTAIN; nothing may be sent twice.
 */
let rig: Rig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

describe('gateway faults', () => {
  it('20% 5xx, 5% timeouts, 429 storms and 2 s latency spikes: completes, only timeouts UNCERTAIN, no duplicates', async () => {
    const started = Date.now();
    rig = await Rig.start({
      env: { SEND_RATE: '50', SEND_BURST: '5', SEND_MAX_ATTEMPTS: '12', WSAPME_TIMEOUT_MS: '2500' },
      sim: { error5xxProbability: 0.2, timeoutProbability: 0.05, hangMs: 6000, slowProbability: 0 },
    });
    const app = await rig.spawn('all');
    const id = await rig.blast(app, phones(300, 5000));

    // Three rounds of a 429 storm and a latency spike (each halves the engine's rate, which then
    // climbs back slowly: more rounds would only make the test longer).
    let storms = 0;
    let spikes = 0;
    const sim = rig.sim;
    const faults = (async () => {
      for (let round = 0; round < 3 && (await rig!.state(id)) !== 'completed'; round++) {
        await sleep(1500);
        sim.configure({ ratePerSecond: 3 });
        storms++;
        await sleep(1500);
        sim.configure({ ratePerSecond: 1000 });
        await sleep(1500);
        // 2 s on top of the usual 30–70 ms: slow, but inside the client's 2.5 s timeout.
        sim.configure({ latencyMs: 2000 });
        spikes++;
        await sleep(1500);
        sim.configure({ latencyMs: 30 });
      }
    })();
    await rig.waitCompleted([id], 150_000);
    await faults;

    const figures = await rig.settledFigures([id]);
    const stats = sim.stats();
    const [attempts] = await rows<{ retried: number; max: number }>(
      rig.db.db,
      sql`SELECT count(*) FILTER (WHERE attempts > 0)::int AS retried, max(attempts)::int AS max FROM blast_recipients WHERE blast_id = ${id}`,
    );
    printFigures('gateway', {
      recipients: figures.recipients,
      duplicates: figures.duplicates,
      uncertain: figures.uncertain,
      everUncertain: figures.everUncertain,
      timeouts: stats.timeouts,
      errors5xx: stats.errors5xx,
      rejected429: stats.rejected429,
      storms,
      spikes,
      retried: attempts!.retried,
      maxAttempts: attempts!.max,
      lost: figures.lost,
      regressions: figures.regressions,
      sent: figures.sent,
      failed: figures.failed,
      peakPerDevice: stats.peakPerDevicePerSecond,
      seconds: Math.round((Date.now() - started) / 1000),
    });
    expect(figures.problems).toEqual([]);
    // The faults really happened.
    expect(stats.errors5xx).toBeGreaterThan(20);
    expect(stats.timeouts).toBeGreaterThan(0);
    expect(stats.rejected429).toBeGreaterThan(0);
    // Only the timeouts are uncertain: one UNCERTAIN per request the gateway held, each of them
    // accepted once (a reply from the person may since have proved one arrived: REPLIED).
    expect(figures.everUncertain).toBe(stats.timeouts);
    const uncertain = await rows<{ phone_number: string; last_error: string }>(
      rig.db.db,
      sql`SELECT phone_number, last_error FROM blast_recipients
          WHERE blast_id = ${id} AND id IN (SELECT recipient_id FROM _fault_history WHERE new_status = 'UNCERTAIN')`,
    );
    const tally = sim.tally();
    for (const u of uncertain) {
      expect(tally[u.phone_number]).toBe(1);
      expect(u.last_error).toMatch(/timeout|may have been sent/i);
    }
    // Everything else went out exactly once, or WhatsApp refused it later (ERROR webhook).
    expect(figures.duplicates).toBe(0);
    expect(figures.unsettled).toBe(0);
    expect(figures.lost + figures.phantom + figures.regressions).toBe(0);
    expect(figures.sent + figures.uncertain + figures.failed).toBe(300);
    expect(uncertain).toHaveLength(stats.timeouts);
    // FAILED only where WhatsApp refused a message we know we sent (an UNCERTAIN one's id is unknown to us).
    const uncertainPhones = new Set(uncertain.map((u) => u.phone_number));
    expect(figures.failed).toBe(sim.messages().filter((m) => m.status === 'ERROR' && !uncertainPhones.has(m.to)).length);
    expect(Object.values(tally).every((n) => n === 1)).toBe(true);
  });
});
