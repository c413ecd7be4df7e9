import { z } from 'zod';
import { instant, page, success } from './answerParts.ts';

/** The answers about webhooks: what the gateway posts (and what came of it), and the outbound endpoints. */
export const EVENT_RESULTS = ['applied', 'waiting', 'ignored', 'not_understood'] as const;
export const eventResult = z.enum(EVENT_RESULTS);

/** POST /webhooks/wsapme: stored, and what became of each event. */
export const webhookReceiptAnswer = z.object({
  ok: z.literal(true),
  accepted: z.number(),
  request_id: z.number(),
  events: z.array(z.object({ result: eventResult, reason: z.string().optional() })),
});

/** GET /api/webhook-events: events newest first, and the raw requests they came in (times as PostgreSQL writes them). */
export const webhookEventListAnswer = z.object({
  events: z.array(
    z.object({
      id: z.number(),
      received_at: z.string(),
      kind: z.string(),
      message_id: z.string().nullable(),
      status: z.string().nullable(),
      result: eventResult,
      outcome: z.string().nullable(),
      applied_at: z.string().nullable(),
      request_id: z.number().nullable(),
      ordinal: z.number().nullable(),
      payload: z.unknown(),
    }),
  ),
  requests: z.array(
    z.object({
      id: z.number(),
      received_at: z.string(),
      content_type: z.string().nullable(),
      secret_in: z.string().nullable(),
      body: z.string(),
    }),
  ),
  limit: z.number(),
  offset: z.number(),
});

/** POST /api/webhook-events/reprocess. */
export const reprocessAnswer = success.extend({
  examined: z.number(),
  ...(Object.fromEntries(EVENT_RESULTS.map((r) => [r, z.number()])) as Record<(typeof EVENT_RESULTS)[number], z.ZodNumber>),
});

/** An outbound endpoint, its secret masked. */
export const endpointAnswer = z.object({
  id: z.number(),
  url: z.string(),
  events: z.array(z.string()),
  secret: z.string(),
  enabled: z.boolean(),
  disabled_reason: z.string().nullable(),
  failing_since: instant().nullable(),
  rotated_at: instant().nullable(),
  created_at: instant().nullable(),
});

export const endpointListAnswer = z.object({ endpoints: z.array(endpointAnswer) });

/** A new endpoint or a rotated secret: the whsec_ secret, shown this once. */
export const endpointSecretAnswer = z.object({ id: z.number(), secret: z.string() });

export const deliveryListAnswer = z.object({
  deliveries: z.array(
    z.object({
      id: z.string(),
      type: z.string(),
      status: z.enum(['pending', 'delivered', 'failed']),
      attempts: z.number(),
      last_status_code: z.number().nullable(),
      last_error: z.string().nullable(),
      next_attempt_at: instant().nullable(),
      last_attempt_at: instant().nullable(),
      delivered_at: instant().nullable(),
      created_at: instant().nullable(),
      payload: z.unknown(),
    }),
  ),
  ...page.shape,
});

export const redeliverAnswer = success.extend({ id: z.string() });
