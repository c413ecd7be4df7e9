import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { rows } from '../../src/db/client.ts';
import { UNSTORED_PER_SLOT } from '../../src/send/deviceSender.ts';
import { checkPromise, claimsByOwner, paceLimit, printFigures } from './support/promise.ts';
import { freePort } from '../helpers/freePort.ts';
import { type WablastProcess, api, logLines, phones, sleep } from './support/processes.ts';
import { Rig } from './support/rig.ts';

/**
 * An engine process dies without warning (SIGKILL) at random moments of a blast and is started
 * again on the same database. Whatever was on the wire at the kill may or may not have reached
 * the gateway: wablast must call exactly those UNCERTAIN, send everything else once, and never
 * send anything twice by itself. The webhook receiver (an API process) is killed too, twice, and
 * comes back on the same address: webhooks it never answered are retried by the gateway.
 */
const SEND_CONCURRENCY = 16;
const RECIPIENTS = 800;

let rig: Rig | null = null;

afterEach(async () => {
  await rig?.close();
  rig = null;
});

/** `url` whose connections name themselves `name` in pg_stat_activity. */
const withApplicationName = (url: string, name: string) => `${url}${url.includes('?') ? '&' : '?'}application_name=${name}`;

/**
 * SIGSTOPs the engine holding the device (engines[i] connects as names[i]) at a moment when none of
 * its connections is inside a statement or a transaction. Frozen inside one (storing outcomes
 * updates the device's row) it would keep that row locked, and no engine could take the device
 * until it thawed. A statement still on its way to the server can only be one that opens a
 * transaction or runs by itself: neither leaves a lock behind.
 */
async function freezeHolderOutsideTransactions(r: Rig, engines: WablastProcess[], names: string[]): Promise<WablastProcess> {
  for (let attempt = 0; attempt < 500; attempt++) {
    const holder = await leaseOwner(r);
    const index = engines.findIndex((e) => e.owner === holder);
    const engine = engines[index];
    if (engine) {
      engine.kill('SIGSTOP');
      const [open] = await rows<{ n: number }>(
        r.db.db,
        sql`SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = ${names[index]!} AND state <> 'idle'`,
      );
      if (open!.n === 0 && (await leaseOwner(r)) === engine.owner) return engine;
      engine.kill('SIGCONT');
    }
    await sleep(5 + Math.random() * 20);
  }
  throw new Error(`the device's holder was never between transactions\n${r.tail()}`);
}

/** Who holds the blasts' device (5850) now; null when nobody does. */
async function leaseOwner(r: Rig): Promise<string | null> {
  const [lease] = await rows<{ lease_owner: string | null }>(r.db.db, sql`SELECT lease_owner FROM devices WHERE id = '5850'`);
  return lease?.lease_owner ?? null;
}

describe('crash: SIGKILL of the engine mid-blast', () => {
  it('five kills and restarts: no number twice, all settled, only what was in flight UNCERTAIN', async () => {
    const started = Date.now();
    rig = await Rig.start({
      env: { SEND_RATE: '50', SEND_BURST: '5', SEND_CONCURRENCY: String(SEND_CONCURRENCY), LEASE_SECONDS: '3' },
    });
    const apiPort = String(await freePort());
    let apiProc = await rig.spawn('api', { PORT: apiPort });
    let engine: WablastProcess = await rig.spawn('engine');
    // Long enough that five kills always land mid-blast, however slowly processes start: only the
    // engine sends, and it is dead while the receiver restarts, so each cycle costs at most the
    // 15–70 messages waited for plus what was on the wire (≤ ~100 of 800).
    const list = phones(RECIPIENTS);
    const id = await rig.blast(apiProc, list);

    const killed: string[] = [];
    // What each killed process left SENDING: in flight, or answered but not yet stored (its outcome
    // buffer) — the most its death may cost, bounded by the sender (send/deviceSender.ts).
    const leftByOwner: Record<string, number> = {};
    let inFlightAtKills = 0;
    let apiKills = 0;
    for (let k = 0; k < 5; k++) {
      // A random moment while it is really sending: after 15–70 more messages went out.
      await rig.acceptedBeyond(rig.sim.stats().accepted, 15 + Math.floor(Math.random() * 55), id);
      await sleep(Math.random() * 60);
      engine.kill('SIGKILL');
      await engine.exited;
      killed.push(engine.owner!);
      expect(await rig.state(id)).not.toBe('completed'); // the kill really happened mid-blast
      // What the dead process left claimed: the most this kill may cost. A claim statement the
      // server was running at the kill still commits, so look once the server has finished it.
      await rig.statementsRunningNowDone();
      const [left] = await rows<{ n: number }>(
        rig.db.db,
        sql`SELECT count(*)::int AS n FROM blast_recipients WHERE status = 'SENDING' AND claimed_by = ${engine.owner}`,
      );
      inFlightAtKills += left!.n;
      leftByOwner[engine.owner!] = left!.n;
      expect(left!.n).toBeLessThanOrEqual((1 + UNSTORED_PER_SLOT) * SEND_CONCURRENCY);
      if (k === 1 || k === 3) {
        // The receiver too, while the gateway's delivery and read webhooks for what just went out
        // are still flowing; the gateway retries what it never got answered.
        apiProc.kill('SIGKILL');
        await apiProc.exited;
        apiKills++;
        apiProc = await rig.spawn('api', { PORT: apiPort });
      }
      engine = await rig.spawn('engine');
    }
    await rig.waitCompleted([id], 120_000);

    // Let the gateway's last webhooks land, then check everything.
    const figures = await rig.settledFigures([id]);
    const stats = rig.sim.stats();
    printFigures('crash', {
      kills: killed.length,
      apiKills,
      recipients: figures.recipients,
      duplicates: figures.duplicates,
      uncertain: figures.uncertain,
      everUncertain: figures.everUncertain,
      inFlightAtKills,
      lost: figures.lost,
      phantom: figures.phantom,
      regressions: figures.regressions,
      sent: figures.sent,
      failed: figures.failed,
      webhookRetries: stats.webhookAttempts - stats.webhooksSent - stats.webhooksFailed,
      webhooksGivenUp: stats.webhooksFailed,
      peakPerDevice: stats.peakPerDevicePerSecond,
      seconds: Math.round((Date.now() - started) / 1000),
    });
    expect(figures.problems).toEqual([]);
    expect(stats.webhooksFailed).toBe(0);
    expect(figures.duplicates).toBe(0);
    expect(figures.unsettled).toBe(0);
    expect(figures.lost).toBe(0);
    expect(figures.phantom).toBe(0);
    expect(figures.regressions).toBe(0);
    expect(figures.recipients).toBe(RECIPIENTS);
    // Only the killed processes left anything uncertain, each at most what it left SENDING.
    for (const [owner, n] of Object.entries(figures.uncertainByOwner)) {
      expect(killed).toContain(owner);
      expect(n).toBeLessThanOrEqual(leftByOwner[owner] ?? 0);
    }
    // Exactly what was in flight became UNCERTAIN (a reply may since have proved some arrived).
    expect(figures.everUncertain).toBe(inFlightAtKills);
    expect(Object.values(rig.sim.tally()).every((n) => n === 1)).toBe(true);
  });

  it('SIGTERM mid-blast twice: in-flight sends finish, nothing UNCERTAIN, the lease is handed back at once', async () => {
    // The default 30 s lease: if SIGTERM did not release it, the next engine would wait it out.
    rig = await Rig.start({ env: { SEND_RATE: '50', SEND_BURST: '5', LEASE_SECONDS: '30' }, sim: { latencyMs: 150 } });
    const apiProc = await rig.spawn('api');
    let engine = await rig.spawn('engine');
    const id = await rig.blast(apiProc, phones(300, 1000));
    const gaps: number[] = [];
    for (let k = 0; k < 2; k++) {
      await rig.acceptedBeyond(rig.sim.stats().accepted, 40 + Math.floor(Math.random() * 40), id);
      const exit = await engine.stop();
      expect(exit.code).toBe(0);
      // Handed back on the way out, not left to expire: the next engine may take the device at once.
      expect(await leaseOwner(rig)).toBeNull();
      const before = rig.sim.stats().accepted;
      const restartedAt = Date.now();
      engine = await rig.spawn('engine');
      await rig.acceptedBeyond(before, 1, id);
      gaps.push(Date.now() - restartedAt);
    }
    await rig.waitCompleted([id], 60_000);
    const figures = await rig.settledFigures([id]);
    printFigures('graceful-restart', {
      restarts: 2,
      recipients: figures.recipients,
      duplicates: figures.duplicates,
      uncertain: figures.uncertain,
      lost: figures.lost,
      regressions: figures.regressions,
      resumeMs: gaps,
    });
    expect(figures.problems).toEqual([]);
    expect(figures.uncertain).toBe(0);
    expect(figures.duplicates + figures.unsettled + figures.lost + figures.phantom + figures.regressions).toBe(0);
  });

  it('SIGTERM of an all-in-one process with a live dashboard stream and a ?wait=true request open: a clean exit that does not wait for them', async () => {
    rig = await Rig.start({ env: { SEND_RATE: '20', SEND_BURST: '2' } });
    const all = await rig.spawn('all');
    const id = await rig.blast(all, phones(200, 3000));
    // Long-lived requests: the funnel's event stream, and a send that waits for the blast to finish.
    const stream = await fetch(`${all.url}/api/blasts/${id}/events`);
    const reader = stream.body!.getReader();
    await reader.read();
    const waiting = api(all.url, 'POST', `/api/blasts/${id}/send?wait=true`).catch((err: Error) => err);
    await rig.acceptedBeyond(0, 20, id);
    const t0 = Date.now();
    const exit = await all.stop();
    const ms = Date.now() - t0;
    await waiting;
    await reader.cancel().catch(() => undefined);
    const figures = await checkPromise(rig.db.db, [id], rig.sim.messages());
    printFigures('shutdown', { exitCode: exit.code, ms, uncertain: figures.uncertain, sending: figures.byStatus.SENDING ?? 0 });
    // Waiting for the stream would never end (stop() then kills: no exit code 0); waiting for the
    // ?wait=true request would have let the blast complete first.
    expect(exit.code).toBe(0);
    expect(await rig.state(id)).not.toBe('completed');
    expect(logLines(all, 'stopped cleanly')).toHaveLength(1);
    // Nothing left in flight, nothing in doubt, the device is free.
    expect(figures.uncertain).toBe(0);
    expect(figures.byStatus.SENDING ?? 0).toBe(0);
    expect(figures.duplicates + figures.lost + figures.phantom + figures.regressions).toBe(0);
    expect(await leaseOwner(rig)).toBeNull();
  });

  it('the engine holding the device frozen past its lease (SIGSTOP), then thawed: the other takes over, no double sending', async () => {
    const SEND_RATE = 40;
    const SEND_BURST = 4;
    rig = await Rig.start({
      env: { SEND_RATE: String(SEND_RATE), SEND_BURST: String(SEND_BURST), LEASE_SECONDS: '3' },
      sim: { latencyMs: 30, latencyJitterMs: 0 },
    });
    const apiProc = await rig.spawn('api');
    // Each engine's connections carry its name, so the database can tell what each has open.
    const names = ['stall-0', 'stall-1'];
    const engines = await Promise.all(
      names.map((name) => rig!.spawn('engine', { DATABASE_URL: withApplicationName(rig!.databaseUrl, name) })),
    );
    const id = await rig.blast(apiProc, phones(600, 8000));
    await rig.acceptedBeyond(0, 60 + Math.floor(Math.random() * 40), id);
    // Freeze whichever engine holds the device, in the middle of its turn.
    const frozen = await freezeHolderOutsideTransactions(rig, engines, names);
    const other = engines.find((e) => e !== frozen)!;
    const frozenAt = Date.now();
    const acceptedAtFreeze = rig.sim.stats().accepted;
    // Frozen past its 3 s lease: thawed only once the other engine has taken the device and sent
    // with it, so that the thawed one finds its lease gone.
    await rig.until('the other engine takes the device', async () => (await leaseOwner(rig!)) === other.owner);
    await rig.acceptedBeyond(rig.sim.stats().accepted, 20, id);
    const sentWhileFrozen = rig.sim.stats().accepted - acceptedAtFreeze;
    const frozenMs = Date.now() - frozenAt;
    frozen.kill('SIGCONT');
    await rig.waitCompleted([id], 120_000);
    const figures = await rig.settledFigures([id]);
    const claims = await claimsByOwner(rig.db.db, [id]);
    const stats = rig.sim.stats();
    printFigures('stall', {
      frozenMs,
      sentWhileFrozen,
      recipients: figures.recipients,
      duplicates: figures.duplicates,
      uncertain: figures.uncertain,
      everUncertain: figures.everUncertain,
      lost: figures.lost,
      regressions: figures.regressions,
      claimsFrozen: claims[frozen.owner!] ?? 0,
      claimsOther: claims[other.owner!] ?? 0,
      unleasedClaims: figures.unleasedClaims,
      peakPerDevice: stats.peakPerDevicePerSecond,
      limit: `${SEND_RATE}+${SEND_BURST}`,
    });
    expect(figures.problems).toEqual([]);
    expect(figures.duplicates + figures.unsettled + figures.lost + figures.phantom + figures.regressions).toBe(0);
    expect(sentWhileFrozen).toBeGreaterThan(0); // the other engine took over during the freeze
    expect(claims[frozen.owner!]).toBeGreaterThan(0);
    // A thawed engine must not claim for a device it no longer holds: two senders would break its pace.
    expect(figures.unleasedClaims).toBe(0);
    expect(stats.peakPerDevicePerSecond['5850']).toBeLessThanOrEqual(paceLimit(SEND_RATE, SEND_BURST));
    expect(frozen.alive && other.alive).toBe(true);
  });
});
