import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import { Aimd } from '../domain/aimd.ts';
import { backoffMs } from '../domain/backoff.ts';
import { renderTemplate } from '../domain/template.ts';
import { Pacer } from '../domain/pacer.ts';
import type { PacingRules } from '../domain/pacingRules.ts';
import { SlidingWindow } from '../domain/slidingWindow.ts';
import { TokenBucket, bucketCapacity } from '../domain/tokenBucket.ts';
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

const SLICE_MS = 20;
const IDLE_MS = 500;
/** Waits longer than this (a cap, a shut window) give the device back rather than hold it idle. */
const GIVE_BACK_AFTER_MS = 60_000;

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
 * Sends one device's queue at the device's pace. It holds the device's lease while it sends, so
 * one process paces a device at a time; it claims only as many recipients as the pure pacing
 * allows at this instant — the Pacer (window, caps, random gap; domain/pacer) and the token bucket
 * (the gateway's rate) — dispatches them at once (several requests in flight), and hands every
 * answer to the OutcomeBuffer. Outside the send window, or with a cap reached, it gives the lease
 * back and sleeps until the pace allows the next message.
 */
export class DeviceSender {
  private readonly abort = new AbortController();
  private wake = new AbortController();
  private inFlight = 0;
  private bucket: TokenBucket;
  /** Caps the bucket's bursts: never more than max(rate, burst) in any one-second span (domain/slidingWindow). */
  private readonly lastSecond = new SlidingWindow(1000);
  private aimd: Aimd;
  private settings: DeviceSettings | null = null;
  private leaseRenewedAt = Number.NEGATIVE_INFINITY;
  private turnStartedAt = 0;
  private pausedUntil = 0;
  private readonly pacer: Pacer;
  private rules: PacingRules;
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
    this.bucket = new TokenBucket(deps.config.pacing.rate, 1, now);
    // An isolated 429 storm only pauses; a second within 10 s halves the rate (domain/aimd).
    this.aimd = new Aimd(now, { step: 0.05, min: 0.02, cooldownMs: 1000, forgiveMs: 10_000 });
    this.random = deps.random ?? Math.random;
    const leaseMs = deps.config.leaseSeconds * 1000;
    this.renewMs = leaseMs / 3;
    this.turnMs = leaseMs / 2;
    this.buffer = new OutcomeBuffer(deps.db, deps.owner, device, deps.log, deps.onChange);
    this.guard = new SendingGuard(deps.db, device, this.buffer, deps.log, this.random);
    this.rules = devicePacingRules(null, deps.config.pacing, null, now);
    this.pacer = new Pacer(this.rules, this.random);
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
        const pace = this.pacer.decide(clock.now());
        if (pace.may < 1) {
          await this.waitForPace(pace.waitMs);
          continue;
        }
        if (await this.whileHeld()) continue;
        const now = clock.now();
        if (now < this.pausedUntil) {
          await this.idle(this.pausedUntil - now);
          continue;
        }
        const rate = this.currentRate(now);
        // A burst the operator asked for may still leave at once; beyond it, no more than the rate in any second.
        const perSecond = Math.max(1, Math.ceil(rate), this.rules.burst);
        const slots = this.deps.config.sendConcurrency - this.inFlight;
        const tokens = Math.min(this.bucket.available(now), this.lastSecond.room(perSecond, now));
        if (slots <= 0 || tokens < 1) {
          await this.idle(tokens < 1 ? Math.max(this.bucket.msUntilNext(now), this.lastSecond.msUntilRoom(perSecond, now)) : IDLE_MS);
          continue;
        }
        const want = Math.min(pace.may, tokens, slots);
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
        if (rate <= 0) await this.idle(IDLE_MS);
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
    const now = this.deps.clock.now();
    this.bucket.take(n, now);
    this.lastSecond.record(n, now);
    this.pacer.record(n, now);
  }

  /**
   * The gap is not over, a cap is reached or the window is shut. A gap keeps the device, waking to
   * renew the lease; a wait of minutes or hours gives it back (another engine may take it, and
   * will wait the same) and sleeps until the pace allows — or until poke(): a setting changed.
   */
  private async waitForPace(ms: number): Promise<void> {
    if (ms > GIVE_BACK_AFTER_MS && this.settings) await this.giveBack();
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
    this.rules = devicePacingRules(settings, this.deps.config.pacing, await nextBlastPreset(db, this.device), now);
    this.pacer.configure(this.rules, now);
    if (!this.settings) {
      this.turnStartedAt = now;
      // Another process may have held the device, or a person resumed it, since our last turn.
      await this.guard.refresh();
      // A new turn starts with an empty bucket: the previous holder may have just spent its burst.
      this.bucket.drain(now);
      // … and from what the device sent, whoever sent it: the caps and the gap are the number's.
      this.pacer.load(await sendHistory(db, this.device, this.rules.timeZone, now, this.rules.hourlyCap), now);
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

  private currentRate(now: number): number {
    const rate = this.rules.rate * this.aimd.current(now);
    this.bucket.reconfigure(rate, bucketCapacity(rate, this.rules.burst, SLICE_MS), now);
    return rate;
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
        this.aimd.onRateLimited(now);
        this.bucket.drain(now);
        this.pausedUntil = Math.max(this.pausedUntil, now + o.retryAfterMs);
        this.pacer.unrecord(now);
        this.buffer.addSettled({ id: c.id, kind: 'retry', reason: o.reason, delayMs: o.retryAfterMs, spendAttempt: false });
        break;
      case 'retryable': {
        this.pacer.unrecord(now);
        const attempt = c.attempts + 1;
        if (attempt >= this.deps.config.sendMaxAttempts) {
          this.buffer.addSettled({ id: c.id, kind: 'failed', reason: `gave up after ${attempt} attempts: ${o.reason}` });
        } else {
          this.buffer.addSettled({
            id: c.id,
            kind: 'retry',
            reason: o.reason,
            delayMs: backoffMs(attempt, this.random),
            spendAttempt: true,
          });
        }
        break;
      }
      case 'permanent':
        this.pacer.unrecord(now);
        this.guard.refused(c, o.reason, probe);
        return;
      case 'ambiguous':
        this.buffer.addSettled({ id: c.id, kind: 'uncertain', reason: o.reason });
        break;
      case 'auth':
      case 'device_unavailable':
        // Refused before anything was sent: back to the queue untouched, and the device waits.
        this.pacer.unrecord(now);
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
