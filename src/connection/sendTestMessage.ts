import { createBlast } from '../blasts/createBlast.ts';
import { sendBlast } from '../blasts/lifecycle.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import { normalisePhone } from '../domain/phone.ts';
import { SENT, type Status, UNFINISHED } from '../domain/status.ts';
import { readHold } from '../send/deviceHold.ts';
import { AppError } from '../errors.ts';
import type { FunnelHub } from '../http/funnelHub.ts';
import { waitForSettled } from '../http/longRequests.ts';
import type { TestMessageAnswer } from '../api/contract.ts';
import { readTestRecipient } from './connectionQueries.ts';

export type { TestMessageAnswer };

export const TEST_TAG = 'Connection test';
export const TEST_MESSAGE = 'wablast connection test: if you can read this, sending works.';
/** How long the answer waits for the send's outcome; the blast carries on after it. */
export const TEST_WAIT_MS = 20_000;

export interface TestMessageDeps {
  db: Db;
  config: Config;
  hub: FunnelHub;
  wakeEngine: () => void;
}

/**
 * One real message to the operator's own number through the normal path: a one-recipient blast,
 * started like any other, so pacing, device holds and at-most-once apply. A held device is said,
 * never cleared here.
 */
export async function sendTestMessage(
  d: TestMessageDeps,
  input: { phone: string; message?: string | undefined },
  signal: AbortSignal,
): Promise<TestMessageAnswer> {
  const parsed = normalisePhone(input.phone, d.config.phoneRegion);
  if (!parsed.ok) throw new AppError('validation_failed', `phone: ${parsed.reason}`, [{ field: 'phone', message: parsed.reason }]);
  const device = d.config.gateway.device;
  const created = await createBlast(
    d.db,
    {
      tag: TEST_TAG,
      message: input.message ?? TEST_MESSAGE,
      followUpStage: null,
      scheduledAt: null,
      device,
      recipients: [{ phone: parsed.e164, vars: {} }],
      dryRun: false,
    },
    { region: d.config.phoneRegion, maxRecipients: d.config.maxRecipients },
  ).catch((err: unknown) => {
    // The number is valid, so the only way to no recipient is an opt-out.
    if (err instanceof AppError && err.code === 'validation_failed')
      throw new AppError('validation_failed', 'phone: that number has opted out (remove it from opt-outs to test with it)', [
        { field: 'phone', message: 'opted out' },
      ]);
    throw err;
  });
  const id = created.blast_id!;
  await sendBlast(d.db, id);
  d.wakeEngine();

  const deadline = Date.now() + TEST_WAIT_MS;
  for (;;) {
    // A held device is the answer: waiting out its backoff tells the operator nothing more.
    const hold = await readHold(d.db, device);
    const r = await readTestRecipient(d.db, id);
    const status: Status = r?.status ?? 'QUEUED';
    const settled = !UNFINISHED.includes(status);
    if (settled || hold !== null || signal.aborted || Date.now() >= deadline) {
      const outcome = SENT.includes(status) ? 'sent' : status === 'UNCERTAIN' ? 'uncertain' : settled ? 'failed' : 'waiting';
      const reason = outcome === 'sent' ? null : outcome === 'waiting' ? waitingReason(hold, id) : (r?.last_error ?? status);
      return {
        success: true,
        blast_id: id,
        phone: parsed.e164,
        outcome,
        status,
        message_id: r?.message_id ?? null,
        reason,
        held: hold && { kind: hold.kind, reason: hold.reason, retry_in_ms: hold.waitMs },
      };
    }
    // The blast settles when its one recipient does; the short slice re-reads the row if a change was missed.
    await waitForSettled(d.hub, id, Math.min(1000, deadline - Date.now()), signal);
  }
}

function waitingReason(hold: Awaited<ReturnType<typeof readHold>>, id: number): string {
  const where = `blast #${id} keeps trying; follow it there`;
  return hold
    ? `sending is held (${hold.kind}: ${hold.reason}); resume the device to send now, or ${where}`
    : `not sent within ${TEST_WAIT_MS / 1000} s; ${where}`;
}
