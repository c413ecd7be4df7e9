import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/client.ts';
import { claimsByOwner, paceLimit, printFigures } from './support/promise.ts';
import { type WablastProcess, phones } from './support/processes.ts';
import { Rig } from './support/rig.ts';

/**
 * Production shape: three engine processes and two API processes on one database, two devices
 * sending at once. Each number must be contacted once, each device must stay within its pace
 * (the simulator measures every device per wall-clock second), and the work must have moved
 * between engines (a device is leased by one engine at a time and handed to a waiting one in turns).
 */
const SEND_RATE = 80;
const SEND_BURST = 5;

let rig: Rig | null = null;
afterEach(async () => {
  await rig?.close();
  rig = null;
});

describe('scale-out', () => {
  it('3 engines + 2 API processes, 2,000 recipients on two devices: once each, paced per device, work shared', async () => {
    const started = Date.now();
    rig = await Rig.start({
      env: { SEND_RATE: String(SEND_RATE), SEND_BURST: String(SEND_BURST), LEASE_SECONDS: '4' },
      // A steady gateway latency, so that what the simulator counts per second is what the engines dispatched.
      sim: { latencyMs: 30, latencyJitterMs: 0 },
    });
    const [api1, api2] = await Promise.all([rig.spawn('api'), rig.spawn('api')]);
    const engines: WablastProcess[] = await Promise.all([rig.spawn('engine'), rig.spawn('engine'), rig.spawn('engine')]);
    rig.webhookTo(api1!);
    const a = await rig.blast(api1!, phones(1000, 40_000), 'devA');
    const b = await rig.blast(api2!, phones(1000, 41_000), 'devB');

    // Halfway, the gateway's webhooks move to the other API process.
    await rig.acceptedBeyond(0, 1000, a);
    rig.webhookTo(api2!);
    await rig.waitCompleted([a, b], 120_000);
    const figures = await rig.settledFigures([a, b]);
    const stats = rig.sim.stats();
    const claims = await claimsByOwner(rig.db.db, [a, b]);
    const share = engines.map((e) => claims[e.owner!] ?? 0);
    // Turns: how often a device's sends moved from one engine to another.
    const [turns] = await rows<{ n: number }>(
      rig.db.db,
      sql`SELECT count(*)::int AS n FROM (
            SELECT h.claimed_by, lag(h.claimed_by) OVER (PARTITION BY r.blast_id ORDER BY h.id) AS prev
            FROM _fault_history h JOIN blast_recipients r ON r.id = h.recipient_id
            WHERE h.new_status = 'SENDING' AND r.blast_id IN (${a}, ${b})
          ) t WHERE prev IS NOT NULL AND prev <> claimed_by`,
    );
    printFigures('scale-out', {
      engines: engines.length,
      apis: 2,
      recipients: figures.recipients,
      duplicates: figures.duplicates,
      uncertain: figures.uncertain,
      lost: figures.lost,
      regressions: figures.regressions,
      sent: figures.sent,
      failed: figures.failed,
      peakPerDevice: stats.peakPerDevicePerSecond,
      peakPerDeviceSliding: stats.peakPerDevicePerSlidingSecond,
      limit: `${SEND_RATE}+${SEND_BURST} (asserted ≤ ${paceLimit(SEND_RATE, SEND_BURST)})`,
      unleasedClaims: figures.unleasedClaims,
      claimsPerEngine: share,
      handOvers: turns!.n,
      seconds: Math.round((Date.now() - started) / 1000),
    });
    expect(figures.problems).toEqual([]);
    expect(figures.recipients).toBe(2000);
    expect(figures.duplicates + figures.unsettled + figures.lost + figures.phantom + figures.regressions).toBe(0);
    expect(figures.uncertain).toBe(0);
    expect(figures.unleasedClaims).toBe(0); // one engine per device at any moment
    expect(Object.values(rig.sim.tally()).every((n) => n === 1)).toBe(true);
    for (const device of ['devA', 'devB']) {
      // Never faster than the pace. How close to it they ran is bench send_rate's question, not a test's.
      expect(stats.peakPerDevicePerSecond[device]).toBeLessThanOrEqual(paceLimit(SEND_RATE, SEND_BURST));
    }
    // Turns really are handed over: LEASE_SECONDS 4 makes a turn 2 s, and the pace alone makes each
    // blast last at least 12.5 s, with a third engine always waiting. Which waiting engine wins a
    // released lease is a race, so one of the three may never win one (claims 1179, 0, 821 once).
    expect(turns!.n).toBeGreaterThan(0);
    expect(share.filter((n) => n > 0).length).toBeGreaterThanOrEqual(2);
    expect(share.reduce((x, y) => x + y, 0)).toBeGreaterThanOrEqual(2000);
  });
});
