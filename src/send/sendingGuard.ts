import type { Db } from '../db/client.ts';
import { holdWait, nextHold } from '../domain/holdBackoff.ts';
import { RefusalBreaker } from '../domain/refusalBreaker.ts';
import type { Logger } from '../log.ts';
import type { Claimed } from './claimRecipients.ts';
import { clearHold, type HoldKind, holdDevice, readHold } from './deviceHold.ts';
import type { OutcomeBuffer } from './outcomeBuffer.ts';

/**
 * Decides when a device must stop sending, for its DeviceSender: the gateway refused our token,
 * the WhatsApp session is down, or per-number refusals ran across too many different numbers (the
 * breaker). The device is then held (send/deviceHold, in the database) and nobody is failed:
 * refusals prove nothing was sent, so the claimed recipients go back to the queue. After a backoff
 * the sender probes with one send; its acceptance ends the hold.
 *
 * A per-number refusal is parked (the row stays SENDING) until the run it belongs to is decided:
 * an accepted send means the numbers were at fault (FAILED, in the gateway's words); a tripped
 * breaker means the device was (requeued). A number requeued by a trip and refused again is FAILED.
 */
export class SendingGuard {
  #hold: { kind: HoldKind; backoffMs: number } | null = null;
  #probing = false;
  readonly #breaker = new RefusalBreaker();
  #parked: Array<{ id: number; reason: string }> = [];
  readonly #suspects = new Set<number>();
  #writes: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Db,
    private readonly device: string,
    private readonly buffer: OutcomeBuffer,
    private readonly log: Logger,
    private readonly random: () => number,
  ) {}

  get held(): boolean {
    return this.#hold !== null;
  }

  get probing(): boolean {
    return this.#probing;
  }

  /** Reads the device's hold from the database (at a new lease turn, and every loop while held). ms to wait, or null when running. */
  async refresh(): Promise<number | null> {
    await this.#writes;
    const h = await readHold(this.db, this.device);
    if (!h) {
      // Resumed by a person (or never held): a fresh start.
      if (this.#hold) this.#breaker.reset();
      this.#hold = null;
      this.#probing = false;
      return null;
    }
    this.#hold = { kind: h.kind, backoffMs: h.backoffMs };
    return h.waitMs;
  }

  startProbe(): void {
    this.#probing = true;
  }

  accepted(probe: boolean): void {
    this.#breaker.accepted();
    this.settleParked();
    if (!probe) return;
    this.#probing = false;
    this.#hold = null;
    this.#write(async () => {
      if (await clearHold(this.db, this.device))
        this.log.info({ device: this.device }, 'device sending resumed: the gateway accepted a probe');
    });
  }

  /** The token was refused or the device is down: the recipient is requeued untouched and the device held. */
  trouble(c: Claimed, kind: 'auth' | 'device_unavailable', reason: string, probe: boolean): void {
    this.#requeue(c.id, reason);
    this.#enterHold(kind, reason, probe);
  }

  /** A per-number refusal (`permanent`): fail, park or, when the breaker trips, hold the device. */
  refused(c: Claimed, reason: string, probe: boolean): void {
    if (this.#suspects.has(c.id)) {
      // Refused again after a trip requeued it: this number is the problem. The probe proved nothing about the device.
      this.#suspects.delete(c.id);
      this.buffer.addSettled({ id: c.id, kind: 'failed', reason });
      if (probe) this.#rearm();
      return;
    }
    if (this.#hold) {
      this.#suspects.add(c.id);
      this.#requeue(c.id, reason);
      if (probe) this.#enterHold('refusals', reason, true);
      return;
    }
    if (!this.#breaker.refused(c.phone_number)) {
      this.#parked.push({ id: c.id, reason });
      return;
    }
    const run = this.#parked.splice(0);
    run.push({ id: c.id, reason });
    for (const p of run) {
      this.#suspects.add(p.id);
      this.#requeue(p.id, p.reason);
    }
    this.#breaker.reset();
    this.#enterHold('refusals', `${run.length} different numbers refused in a row; the last: ${reason}`, false);
  }

  /** A probe whose answer says nothing about the device (5xx, 429, timeout): probe again after the same wait. */
  probeInconclusive(): void {
    this.#rearm();
  }

  /** Parked refusals become FAILED: an acceptance showed the device works, or there is nothing left to try. */
  settleParked(): void {
    for (const p of this.#parked.splice(0)) this.buffer.addSettled({ id: p.id, kind: 'failed', reason: p.reason });
    this.#breaker.reset();
  }

  get parked(): number {
    return this.#parked.length;
  }

  /** Waits for hold writes in flight (before the lease is handed back). */
  async drain(): Promise<void> {
    await this.#writes;
  }

  #requeue(id: number, reason: string): void {
    this.buffer.addSettled({ id, kind: 'retry', reason, delayMs: 0, spendAttempt: false });
  }

  #rearm(): void {
    this.#probing = false;
    if (!this.#hold) return;
    const { kind, backoffMs } = this.#hold;
    const waitMs = holdWait(backoffMs, this.random);
    this.#write(() =>
      holdDevice(this.db, this.device, { kind, reason: null, backoffMs, waitMs, probeRefused: false }).then(() => undefined),
    );
  }

  #enterHold(kind: HoldKind, reason: string, probeRefused: boolean): void {
    // An answer to a send dispatched before the hold began changes nothing: the hold stands.
    if (this.#hold && !probeRefused) return;
    this.#probing = false;
    const step = nextHold(this.#hold ? this.#hold.backoffMs : null, this.random);
    this.#hold = { kind, backoffMs: step.backoffMs };
    this.#write(async () => {
      const started = await holdDevice(this.db, this.device, { kind, reason, ...step, probeRefused });
      const fields = { device: this.device, kind, retryInMs: step.waitMs };
      if (started) this.log.warn(fields, 'device sending held: nothing is sent on it until a probe is accepted or it is resumed');
      else this.log.debug(fields, 'device probe refused; holding longer');
    });
  }

  #write(op: () => Promise<void>): void {
    this.#writes = this.#writes
      .then(op)
      .catch((err: Error) =>
        this.log.warn({ device: this.device, err: err.message }, 'could not store the device hold; retrying at the next answer'),
      );
  }
}
