import { z } from 'zod';
import { instant, success } from './answerParts.ts';
import { sendingStateAnswer } from './deviceAnswers.ts';

/** The answers of "does it work": the connection check, the test message, the webhook URL, the service itself. */

/** One line of the connection check: ok, a problem (false), or not known (null), and why. */
export const connectionCheckAnswer = z.object({ id: z.string(), label: z.string(), ok: z.boolean().nullable(), detail: z.string() });

export const deviceSendingAnswer = z.object({ id: z.string(), enabled: z.boolean(), sending: sendingStateAnswer });

/** The last webhook WSAPME posted, raw, as the connection page shows it. */
export const lastWebhookAnswer = z.object({
  id: z.number(),
  received_at: instant().nullable(),
  content_type: z.string().nullable(),
  secret_in: z.string().nullable(),
  body: z.string(),
  /** What became of its events (applied, waiting, ignored, not_understood), comma-separated. */
  results: z.string().nullable(),
  decoded: z.enum(['json', 'form']).nullable(),
  truncated: z.boolean(),
});

/** GET /api/connection and `wablast doctor`: does it work, line by line. */
export const connectionReportAnswer = z.object({
  ok: z.boolean(),
  problems: z.number(),
  checks: z.array(connectionCheckAnswer),
  webhook: z.object({
    configured: z.boolean(),
    url: z.string().nullable(),
    masked: z.boolean(),
    public_url_set: z.boolean(),
    reminder: z.string(),
  }),
  last_webhook: lastWebhookAnswer.nullable(),
  devices: z.array(deviceSendingAnswer),
});

/** POST /api/connection/test-message. */
export const testMessageAnswer = success.extend({
  blast_id: z.number(),
  phone: z.string(),
  /** sent: the gateway took it (message_id); failed / uncertain: as a blast would record it; waiting: not sent within the wait. */
  outcome: z.enum(['sent', 'failed', 'uncertain', 'waiting']),
  status: z.string(),
  message_id: z.string().nullable(),
  reason: z.string().nullable(),
  /** The device's hold when the test was asked for: the message waits for it (resume the device to send now). */
  held: z.object({ kind: z.string(), reason: z.string(), retry_in_ms: z.number() }).nullable(),
});

/** GET /api/webhook-url: the URL to paste into WSAPME, or why there is none. */
export const webhookUrlAnswer = z.union([
  z.object({ configured: z.literal(false), url: z.null(), reason: z.string(), reminder: z.string() }),
  z.object({ configured: z.literal(true), url: z.string(), masked: z.boolean(), public_url_set: z.boolean(), reminder: z.string() }),
]);

/** GET /api/meta: what the dashboard needs before signing in. */
export const metaAnswer = z.object({
  simulator: z.boolean(),
  auth_required: z.boolean(),
  default_device: z.string(),
  version: z.string(),
});

/** GET /healthz: 200 while the database answers, 503 when it does not. */
export const healthAnswer = z.object({
  ok: z.boolean(),
  database: z.enum(['up', 'down']),
  driver: z.enum(['pglite', 'postgres']),
  simulator: z.boolean(),
  /** Whether the gateway answers status lookups (null when the database is down). */
  status_lookup: z
    .object({ state: z.enum(['available', 'unavailable']), reason: z.string().nullable(), since: z.string().nullable() })
    .nullable(),
});

/** POST /api/session: without API_TOKEN there is nothing to sign in to. */
export const signInAnswer = success.extend({ auth_required: z.literal(false).optional() });
