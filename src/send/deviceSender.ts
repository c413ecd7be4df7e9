import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import { DevicePace } from '../domain/devicePace.ts';
import { afterRateLimited, afterUnsent } from '../domain/sendRetry.ts';
import { renderTemplate } from '../domain/template.ts';
import type { SendOutcome } from '../gateway/classify.ts';
import type { Logger } from '../log.ts';
import { type Claimed, claimRecipients } from './claimRecipients.ts';
import type { Clock } from '../util/clock.ts';
import { acquireLease, type DeviceSettings, isWanted, releaseLease, requestLease } from './deviceLease.ts';
import { devicePacingRules, nextBlastPreset, pruneDeviceSends, sendHistory } from './deviceSends.ts';
import type { GatewayPort } from '../gateway/gatewayPort.ts';
import { OutcomeBuffer } from './outcomeBuffer.ts';
import { SendingGuard } from './sendingGuard.ts';
import type { Metrics } from '../metrics.ts';

const IDLE_MS = 500;
/**
 * Answers waiting to be stored, per SEND_CONCURRENCY slot, before claiming stops. They are still
 * SENDING, so this bounds what a crash can make UNCERTAIN when the database is slow: at most
 * (1 + UNSTORED_PER_SLOT) × SEND_CONCURRENCY. With 1, bench send_rate fell from 475–488 to 385–422
 * msg/s (storing 64 answers often takes longer than 128 ms of sending on a busy machine); with 4
 * it stayed at 471–481.
 */
export const UNSTORED_PER_SLOT = 4;

export interface DeviceSenderDeps {
  db: Db;
  gateway: GatewayPort;
  config: Config;
  clock: Clock;
  owner: string;
  log: Logger;
  onChange: (blastIds: Set<number>) => void;
  random?: () => number;
  metrics?: Metrics;
}

/**
 * Sends one device's queue at the device's pace: the orchestration, while the decisions are pure
 * modules. It holds the device's lease while it sends, so one process paces a device at a time; it
 * claims only as many recipients as the pace allows at this instant (domain/devicePace: the send
 * window, caps and random gap, and the gateway's rate), dispatches them at once (several requests
 * in flight), and hands every answer to the OutcomeBuffer — a retry as domain/sendRetry says, a
 * refusal or device trouble to the SendingGuard. Outside the send window, or with a cap reached,
 * it gives the lease back and sleeps until the pace allows the next message.
 */
export class DeviceSender {
  private readonly abort = new AbortController();
  private wake = new AbortController();
  private inFlight = 0;
  private settings: DeviceSettings | null = null;
  private leaseRenewedAt = Number.NEGATIVE_INFINITY;
  private turnStartedAt = 0;
  private readonly pace: DevicePace;
  private readonly buffer: OutcomeBuffer;
  /** Token refused, device down, or the refusal breaker tripped: the device is held (send/sendingGuard). */
  private readonly guard: SendingGuard;
  private readonly random: () => number;
  /** Renew the lease at a third of its length (10 s of 30 s), so two missed renewals still keep it. */
  private readonly renewMs: number;
  /** How long one engine keeps a device when another engine is waiting for it: half a lease (15 s of 30 s). */
  private readonly turnMs: number;
  readonly done: Promise<void>;

  constructor(
    readonly device: string,
    private readonly deps: DeviceSenderDeps,
  ) {
    const now = deps.clock.now();
    this.random = deps.random ?? Math.random;
    const leaseMs = deps.config.leaseSeconds * 1000;
    this.renewMs = leaseMs / 3;
    this.turnMs = leaseMs / 2;
    this.buffer = new OutcomeBuffer(deps.db, deps.owner, device, deps.log, deps.onChange);
    this.guard = new SendingGuard(deps.db, device, this.buffer, deps.log, this.random);
    this.pace = new DevicePace(devicePacingRules(null, deps.config.pacing, null, now), this.random, now);
    this.done = this.run();
  }

  /** Something changed (a blast started, a send finished): look for work now rather than at the next tick. */
  poke(): void {
    this.wake.abort();
  }

  async stop(): Promise<void> {
    this.abort.abort();
    this.poke();
    await this.done;
  }

  private get stopped(): boolean {
    return this.abort.signal.aborted;
  }

  private async run(): Promise<void> {
    const { clock, log } = this.deps;
    while (!this.stopped) {
      try {
        if (!(await this.holdLease())) {
          await this.idle(1000);
          continue;
        }
        const careful = this.pace.careful(clock.now());
        if (careful.may < 1) {
          await this.waitForPace(careful.waitMs);
          continue;
        }
        if (await this.whileHeld()) continue;
        const room = this.pace.gatewayRoom(clock.now());
        if (room.tokens < 1) {
          await this.idle(room.waitMs);
          continue;
        }
        // At most SEND_CONCURRENCY requests open, and a bounded number of answers waiting to be
        // stored: those are still SENDING, and a slow database must not let them pile up (a crash
        // turns every SENDING row UNCERTAIN).
        const c = this.deps.config.sendConcurrency;
        const slots = Math.min(c - this.inFlight, UNSTORED_PER_SLOT * c - this.buffer.unstored);
        if (slots <= 0) {
          await this.idle(IDLE_MS);
          continue;
        }
        const want = Math.min(careful.may, room.tokens, slots);
        const claimed = (await claimRecipients(this.deps.db, this.device, this.deps.owner, want, this.claimOptions)).sort(
          (a, b) => a.id - b.id,
        );
        if (claimed.length === 0) {
          // Nothing left to try that could prove the parked refusals wrong: they are the numbers' own.
          if (this.inFlight === 0) this.guard.settleParked();
          await this.idle(IDLE_MS);
          continue;
        }
        this.spend(claimed.length);
        for (const c of claimed) this.dispatch(c);
        if (room.rate <= 0) await this.idle(IDLE_MS);
      } catch (err) {
        log.warn({ err: (err as Error).message }, 'sender loop error; retrying in 1 s');
        await this.idle(1000);
      }
    }
    await this.finish();
  }

  /**
   * While the device is held: wait for the probe time (re-reading the hold each second, so a
   * person's resume takes effect at once), then send ONE message as the probe. False when the
   * device is not held and the normal pace applies.
   */
  private async whileHeld(): Promise<boolean> {
    if (!this.guard.held) return false;
    if (this.guard.probing || this.inFlight > 0) {
      await this.idle(IDLE_MS);
      return true;
    }
    const wait = await this.guard.refresh();
    if (wait === null) return false;
    if (wait > 0) {
      await this.idle(Math.min(wait, 1000));
      return true;
    }
    const [c] = await claimRecipients(this.deps.db, this.device, this.deps.owner, 1, this.claimOptions);
    if (!c) {
      await this.idle(IDLE_MS);
      return true;
    }
    this.spend(1);
    // An opted-out recipient is settled without a call: it proves nothing, the next claim probes.
    if (!c.opted_out) this.guard.startProbe();
    this.dispatch(c, !c.opted_out);
    return true;
  }

  /** Counts claimed messages against every limit at once. */
  private spend(n: number): void {
    this.pace.spend(n, this.deps.clock.now());
  }

  /**
   * The gap is not over, a cap is reached or the window is shut. A gap keeps the device, waking to
   * renew the lease; a wait of minutes or hours gives it back (another engine may take it, and
   * will wait the same) and sleeps until the pace allows — or until poke(): a setting changed.
   */
  private async waitForPace(ms: number): Promise<void> {
    if (DevicePace.givesBack(ms) && this.settings) await this.giveBack();
    await this.idle(this.settings ? Math.min(ms, this.renewMs) : ms);
  }

  /** Lets in-flight requests end, stores their answers, and gives the device back. */
  private async finish(): Promise<void> {
    while (this.inFlight > 0) await this.deps.clock.sleep(10);
    this.guard.settleParked();
    await this.guard.drain();
    await this.buffer.drain();
    try {
      await releaseLease(this.deps.db, this.device, this.deps.owner);
    } catch (err) {
      this.deps.log.warn({ err: (err as Error).message }, 'could not release device lease; it expires by itself');
    }
  }

  private async holdLease(): Promise<boolean> {
    const { db, owner, clock } = this.deps;
    const now = clock.now();
    if (this.settings && now - this.leaseRenewedAt < this.renewMs) return true;
    if (this.settings && now - this.turnStartedAt > this.turnMs && (await isWanted(db, this.device))) {
      await this.handOver();
      return false;
    }
    const settings = await acquireLease(db, this.device, owner, this.deps.config.leaseSeconds);
    if (!settings) {
      this.settings = null;
      await requestLease(db, this.device);
      return false;
    }
    this.pace.configure(devicePacingRules(settings, this.deps.config.pacing, await nextBlastPreset(db, this.device), now), now);
    if (!this.settings) {
      this.turnStartedAt = now;
      // Another process may have held the device, or a person resumed it, since our last turn.
      await this.guard.refresh();
      // The caps and the gap are the number's: they start from what the device sent, whoever sent it.
      const { timeZone, hourlyCap } = this.pace.rules;
      this.pace.startTurn(await sendHistory(db, this.device, timeZone, now, hourlyCap), now);
      await pruneDeviceSends(db, this.device, now);
    }
    this.settings = settings;
    this.leaseRenewedAt = now;
    return true;
  }

  private async handOver(): Promise<void> {
    await this.giveBack();
    this.deps.log.debug({ device: this.device }, 'handed device to a waiting engine');
    await this.idle(1500 + this.random() * 1000, false);
  }

  private async giveBack(): Promise<void> {
    while (this.inFlight > 0) await this.deps.clock.sleep(10);
    this.guard.settleParked();
    await this.guard.drain();
    await this.buffer.drain();
    await releaseLease(this.deps.db, this.device, this.deps.owner);
    this.settings = null;
  }

  /** The env daily cap, for the pool rule's view of other devices' room (send/claimRecipients). */
  private get claimOptions() {
    return { defaultDailyCap: this.deps.config.pacing.dailyCap };
  }

  private dispatch(c: Claimed, probe = false): void {
    if (c.opted_out) {
      this.buffer.addSettled({ id: c.id, kind: 'skipped', reason: 'opted out' });
      return;
    }
    this.inFlight++;
    const sentAt = this.deps.clock.now();
    const message = renderTemplate(c.message, { ...c.variables, phone: c.phone_number }, c.phone_number);
    this.deps.gateway
      .sendMessage({ device: this.device, to: c.phone_number, message })
      .then((outcome) => this.record(c, outcome, probe, sentAt))
      .catch((err: Error) => this.record(c, { kind: 'ambiguous', reason: `client error: ${err.message}` }, probe, sentAt))
      .finally(() => {
        this.inFlight--;
        this.poke();
      });
  }

  private record(c: Claimed, o: SendOutcome, probe: boolean, sentAt: number): void {
    const now = this.deps.clock.now();
    this.deps.metrics?.sends.inc({ device: this.device, outcome: o.kind });
    switch (o.kind) {
      case 'accepted':
        this.buffer.addAccepted({ id: c.id, messageId: o.messageId, data: o.data, sentAt });
        this.guard.accepted(probe);
        return;
      case 'rate_limited':
        this.pace.rateLimited(o.retryAfterMs, now);
        this.buffer.addSettled({ id: c.id, ...afterRateLimited(o.retryAfterMs, o.reason) });
        break;
      case 'retryable':
        this.pace.notSent(now);
        this.buffer.addSettled({ id: c.id, ...afterUnsent(c.attempts, this.deps.config.sendMaxAttempts, o.reason, this.random) });
        break;
      case 'permanent':
        this.pace.notSent(now);
        this.guard.refused(c, o.reason, probe);
        return;
      case 'ambiguous':
        this.buffer.addSettled({ id: c.id, kind: 'uncertain', reason: o.reason });
        break;
      case 'auth':
      case 'device_unavailable':
        // Refused before anything was sent: back to the queue untouched, and the device waits.
        this.pace.notSent(now);
        this.guard.trouble(c, o.kind, o.reason, probe);
        return;
    }
    if (probe) this.guard.probeInconclusive();
  }

  /** Sleeps until `ms` pass, stop() is called, or (when `wakeable`) poke() is. */
  private async idle(ms: number, wakeable = true): Promise<void> {
    if (this.stopped) return;
    if (wakeable) {
      if (this.wake.signal.aborted) {
        this.wake = new AbortController();
        return;
      }
      await this.deps.clock.sleep(ms, AbortSignal.any([this.abort.signal, this.wake.signal]));
      if (this.wake.signal.aborted) this.wake = new AbortController();
    } else {
      await this.deps.clock.sleep(ms, this.abort.signal);
    }
  }
}
