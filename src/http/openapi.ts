import { z } from 'zod';
import { closeBody, repliesQuery, reportQuery } from './inboxSchemas.ts';
import { closeByPhoneBody, createBlastBody, followUpBody, pageQuery, recipientsQuery, resendBody, testMessageBody } from './schemas.ts';
import { createEndpointBody, deliveriesQuery, patchEndpointBody } from './webhookEndpointSchemas.ts';

const json = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
const body = (schema: z.ZodType) => ({ required: true, content: { 'application/json': { schema: json(schema) } } });
const error = { description: 'Error: {error: {code, message, details?}}' };
const ok = (description: string) => ({ 200: { description }, 400: error, 401: error, 404: error, 409: error });
const idParam = [{ name: 'id', in: 'path', required: true, schema: { type: 'integer', minimum: 1 } }];
const queryParams = (schema: z.ZodObject) =>
  Object.entries(json(schema).properties as Record<string, unknown>).map(([name, s]) => ({ name, in: 'query', schema: s }));

/**
 * The OpenAPI document served at /docs, built from the same zod schemas that validate requests,
 * so the documentation cannot drift from what the API accepts.
 */
export function openApiDocument(version: string): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: { title: 'wablast API', version, description: 'WhatsApp blasts through WSAPME: create, send, track the funnel.' },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
    paths: {
      '/api/blasts': {
        get: { summary: 'List blasts, newest first, each with its funnel', parameters: queryParams(pageQuery), responses: ok('{blasts, total, limit, offset}') },
        post: {
          summary: 'Create a blast (JSON, or multipart/form-data with a CSV "file"); dry_run validates only',
          requestBody: body(createBlastBody),
          responses: { 201: { description: '{success, blast_id, total_recipients, invalid, duplicates, opted_out}' }, 400: error, 413: error, 415: error },
        },
      },
      '/api/blasts/upload': { post: { summary: 'Create a blast from a CSV upload (multipart/form-data)', responses: { 201: { description: 'as POST /api/blasts' }, 400: error, 413: error } } },
      '/api/blasts/{id}': { get: { summary: 'One blast with its funnel', parameters: idParam, responses: ok('Blast') } },
      '/api/blasts/{id}/report': { get: { summary: 'The funnel: sent, received, read, replied, closed and more', parameters: idParam, responses: ok('Report') } },
      '/api/blasts/{id}/send': {
        post: {
          summary: 'Start now (or at scheduled_at); ?wait=true blocks until done',
          parameters: [...idParam, { name: 'wait', in: 'query', schema: { type: 'boolean' } }],
          responses: ok('{success, sent, failed, queued, uncertain, state}'),
        },
      },
      '/api/blasts/{id}/pause': { post: { summary: 'Pause before the next message', parameters: idParam, responses: ok('{success, state}') } },
      '/api/blasts/{id}/resume': { post: { summary: 'Resume a paused blast', parameters: idParam, responses: ok('{success, state}') } },
      '/api/blasts/{id}/cancel': { post: { summary: 'Cancel; recipients not yet sent become SKIPPED', parameters: idParam, responses: ok('{success, state}') } },
      '/api/blasts/{id}/resend': { post: { summary: 'Requeue UNCERTAIN and/or FAILED recipients on purpose', parameters: idParam, requestBody: body(resendBody), responses: ok('{success, requeued}') } },
      '/api/blasts/{id}/follow-up': { post: { summary: 'Create the next blast from a funnel segment of this one', parameters: idParam, requestBody: body(followUpBody), responses: { 201: { description: 'as POST /api/blasts' }, 400: error, 404: error } } },
      '/api/devices': {
        get: {
          summary: 'Devices with their pacing (overrides and effective), messages sent today, sending state (running, or held: kind, reason, retry_at) and health (sent_today vs daily_cap, error_rate over the last 50 sends, last_refusal, paused, probably_blocked)',
          responses: ok('{devices}'),
        },
      },
      '/api/devices/{id}/resume': { post: { summary: 'End a held or paused device\'s hold or pause now (token fixed, phone back online, errors judged); the error window starts afresh', responses: ok('Device') } },
      '/api/devices/{id}/pause': { post: { summary: 'Pause a device by hand ({reason?}): its numbers wait, new phones go to the rest of its pools', responses: ok('Device') } },
      '/api/devices/{id}/probably-blocked': { get: { summary: 'Numbers this device messaged that stayed undelivered for 7 days (probably blocked it); opt out with POST /api/opt-outs', parameters: queryParams(pageQuery), responses: ok('{device, days, numbers: [{phone_number, sent_at, blast_id, recipient_id}], total, limit, offset}') } },
      '/api/devices/{id}': { put: { summary: 'Set pacing overrides of a device (null: the env default)', responses: ok('Device') } },
      '/api/blasts/{id}/check-status': { post: { summary: 'Poll the gateway for every unsettled recipient now', parameters: idParam, responses: ok('{checked, updated}') } },
      '/api/blasts/{id}/recipients': {
        get: { summary: 'Recipients; filter by status and phone digits; format=csv exports', parameters: [...idParam, ...queryParams(recipientsQuery)], responses: ok('{recipients, total, limit, offset}') },
      },
      '/api/blasts/{id}/recipients/close': { post: { summary: 'Mark the recipient with this phone CLOSED', parameters: idParam, requestBody: body(closeByPhoneBody), responses: ok('{success, recipient}') } },
      '/api/recipients/{id}/close': { post: { summary: 'Mark a sent recipient CLOSED, with an optional outcome (won/lost) and note (409 if never sent)', parameters: idParam, requestBody: { ...body(closeBody), required: false }, responses: ok('{success, recipient}') } },
      '/api/recipients/{id}/reopen': { post: { summary: 'Undo a close: back to the status it was closed from (409 if not CLOSED)', parameters: idParam, responses: ok('{success, recipient}') } },
      '/api/replies': { get: { summary: 'Replies across blasts, newest first; filter by blast, tag, stage, date, open; q searches number or text', parameters: queryParams(repliesQuery), responses: ok('{replies, total, limit, offset}') } },
      '/api/replies/events': { get: { summary: 'Server-sent events: `change` whenever the inbox changes', responses: ok('text/event-stream') } },
      '/api/contacts/{phone}': { get: { summary: 'Everything sent to a number across blasts, its replies and its opt-out', parameters: [{ name: 'phone', in: 'path', required: true, schema: { type: 'string' } }], responses: ok('{phone, name, opted_out, messages, replies}') } },
      '/api/reports/funnel': { get: { summary: 'The funnel across blasts by follow_up_stage, tag, device (blasts created in from–to) or day (events in from–to, days in tz); format=csv', parameters: queryParams(reportQuery), responses: ok('{group_by, tz, from, to, groups, total}') } },
      '/api/blasts/{id}/events': { get: { summary: 'Server-sent events: the report whenever the funnel changes', parameters: idParam, responses: ok('text/event-stream') } },
      '/api/opt-outs': { get: { summary: 'Numbers that asked not to be messaged', parameters: queryParams(pageQuery), responses: ok('{opt_outs}') } },
      '/api/webhook-events': {
        get: { summary: 'The webhook inbox: each event with its result (applied, waiting, ignored, not_understood) and why, and the raw requests they came in; unmatched=true lists events waiting for their send, result= filters', responses: ok('{events, requests}') },
      },
      '/api/webhook-events/reprocess': { post: { summary: 'Read not-understood events again with this version (all, or {ids}) and apply what it understands', responses: ok('{success, examined, applied, waiting, ignored, not_understood}') } },
      '/api/webhook-url': { get: { summary: 'The webhook URL to paste into WSAPME, secret masked (reveal=true shows it)', responses: ok('{configured, url, masked, reminder}') } },
      '/api/connection': { get: { summary: 'Does it work: gateway reachable, token accepted, device, webhook URL, last webhook (raw), status lookup, sending state; each check ok true/false/null', responses: ok('{ok, problems, checks: [{id, label, ok, detail}], webhook, last_webhook, devices}') } },
      '/api/connection/test-message': {
        post: { summary: 'Send one real message to your own number as a one-recipient blast tagged "Connection test"; waits up to 20 s for the outcome', requestBody: body(testMessageBody), responses: { 201: { description: '{blast_id, outcome: sent|failed|uncertain|waiting, message_id, reason, held}' }, 400: error } },
      },
      '/webhooks/wsapme/{secret}': {
        post: {
          summary: 'WSAPME status and inbound-message webhooks, the secret in the path (the form to paste into WSAPME). Any body is stored raw and answered 200 with what became of each event',
          security: [],
          parameters: [{ name: 'secret', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { 200: { description: 'stored: {ok, accepted, request_id, events: [{result, reason}]}' }, 401: error, 413: error, 503: error },
        },
      },
      '/api/webhook-endpoints': {
        get: { summary: 'Outbound webhook endpoints (secrets masked)', responses: ok('{endpoints}') },
        post: { summary: 'Register an endpoint; the answer carries its whsec_ secret, shown once', requestBody: body(createEndpointBody), responses: { 201: { description: '{id, secret}' }, 400: error } },
      },
      '/api/webhook-endpoints/{id}': {
        get: { summary: 'One endpoint', parameters: idParam, responses: ok('Endpoint') },
        patch: { summary: 'Change url or events, enable or disable', parameters: idParam, requestBody: body(patchEndpointBody), responses: ok('Endpoint') },
        delete: { summary: 'Delete an endpoint and its delivery log', parameters: idParam, responses: ok('{success}') },
      },
      '/api/webhook-endpoints/{id}/rotate-secret': { post: { summary: 'A new secret; the old one also signs for 24 h', parameters: idParam, responses: ok('{id, secret}') } },
      '/api/webhook-endpoints/{id}/deliveries': {
        get: { summary: 'The delivery log, newest first', parameters: [...idParam, ...queryParams(deliveriesQuery)], responses: ok('{deliveries, total, limit, offset}') },
      },
      '/api/webhook-endpoints/{id}/deliveries/{deliveryId}/redeliver': {
        post: {
          summary: 'Send a delivery again, same webhook-id',
          parameters: [...idParam, { name: 'deliveryId', in: 'path', required: true, schema: { type: 'string' } }],
          responses: { 202: { description: '{success, id}' }, 404: error },
        },
      },
      '/webhooks/wsapme': {
        post: {
          summary: 'The same, the secret as ?token= or X-Webhook-Secret',
          security: [],
          responses: { 200: { description: 'stored' }, 401: error, 413: error, 503: error },
        },
      },
      '/healthz': { get: { summary: 'Whether the database answers', security: [], responses: { 200: { description: 'up' }, 503: { description: 'down' } } } },
      '/metrics': { get: { summary: 'Prometheus metrics', security: [], responses: { 200: { description: 'text' } } } },
    },
  };
}
