import { z } from 'zod';
import { closeBody, repliesQuery, reportQuery } from './inboxSchemas.ts';
import { EXAMPLE, PARAMETER_EXAMPLES } from './openapiExamples.ts';
import { addOptOutBody, optOutsQuery } from './optOutSchemas.ts';
import { devicePatch } from './routes/deviceRoutes.ts';
import { closeByPhoneBody, createBlastBody, followUpBody, pageQuery, recipientsQuery, resendBody, testMessageBody } from './schemas.ts';
import { archiveBody } from './routes/archiveRoutes.ts';
import { createEndpointBody, deliveriesQuery, patchEndpointBody } from './webhookEndpointSchemas.ts';
import { sequenceBody } from './sequenceSchemas.ts';

const json = (schema: z.ZodType) => z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
const body = (schema: z.ZodType, example: unknown) => ({
  required: true,
  content: { 'application/json': { schema: json(schema), example } },
});
const error = {
  description: 'Error: {error: {code, message, details?}}',
  content: { 'application/json': { example: { error: { code: 'not_found', message: 'Blast 987654 not found' } } } },
};
const answer = (description: string, example?: unknown) =>
  example === undefined ? { description } : { description, content: { 'application/json': { example } } };
const ok = (description: string, example?: unknown) => ({
  200: answer(description, example),
  400: error,
  401: error,
  404: error,
  409: error,
});
const param = (name: string, where: 'path' | 'query', schema: unknown, required = where === 'path') => ({
  name,
  in: where,
  required,
  schema,
  ...(name in PARAMETER_EXAMPLES && { example: PARAMETER_EXAMPLES[name] }),
});
const idParam = [param('id', 'path', { type: 'integer', minimum: 1 })];
const phoneParam = [param('phone', 'path', { type: 'string' })];
const queryParams = (schema: z.ZodObject) =>
  Object.entries(json(schema).properties as Record<string, unknown>).map(([name, s]) => param(name, 'query', s, false));

/** The groups of /docs, in the order a newcomer meets them. */
const TAGS = [
  { name: 'Blasts', description: 'Create a blast (JSON or CSV), send it, pause, resume, cancel, resend, follow up.' },
  { name: 'Sequences', description: 'Automatic follow-ups of a blast by funnel stage, stopped by a reply.' },
  { name: 'Recipients', description: 'Where each number is, the CSV export, closing a lead with its outcome.' },
  { name: 'Replies', description: 'The inbox across blasts and everything about one number.' },
  { name: 'Reports', description: "A blast's funnel and the funnel across blasts, live." },
  { name: 'Opt-outs', description: 'Numbers that asked not to be messaged: no blast reaches them.' },
  { name: 'Devices', description: "Pacing per WhatsApp device, and a held device's resume." },
  { name: 'Connection', description: 'Does it work: the gateway, the token, the webhook; a test message.' },
  { name: 'Gateway webhooks', description: 'Where WSAPME posts delivery, read and reply events, and what came in.' },
  { name: 'Outbound webhooks', description: 'Signed events to your own systems (CRM, sheets): endpoints and their deliveries.' },
  { name: 'System', description: "Health, metrics, the dashboard's session and settings." },
] as const;
type Tag = (typeof TAGS)[number]['name'];

type Operation = Record<string, unknown>;
const op = (tag: Tag, summary: string, rest: Operation = {}): Operation => ({ tags: [tag], summary, ...rest });

/**
 * The OpenAPI document served at /docs, built from the same zod schemas that validate requests,
 * so the documentation cannot drift from what the API accepts; every registered route is here
 * (test/integration/docs.test.ts fails on one that is not).
 */
export function openApiDocument(version: string): Record<string, unknown> {
  return {
    openapi: '3.1.0',
    info: {
      title: 'wablast API',
      version,
      description:
        'WhatsApp blasts through WSAPME: create, send, track the funnel. Times are ISO 8601 in UTC unless a `tz` says otherwise.',
    },
    tags: TAGS,
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
    paths: {
      '/api/blasts': {
        get: op('Blasts', 'List blasts, newest first, each with its funnel', {
          parameters: queryParams(pageQuery),
          responses: ok('{blasts, total, limit, offset}'),
        }),
        post: op(
          'Blasts',
          'Create a blast (JSON, or multipart/form-data with a CSV "file"); the message takes {{variables}} and spintax {a|b}; pacing_preset overrides the device\'s pace; dry_run validates only',
          {
            requestBody: body(createBlastBody, EXAMPLE.createBlast),
            responses: {
              200: answer(
                'dry_run: {success, blast_id: null, total_recipients, invalid, duplicates, opted_out, warnings, preview, recently_messaged: {count, same_text}, variation: {distinct, possible, largest_identical, samples: [{phone, text}], warning}, plan}',
              ),
              201: answer('{success, blast_id, total_recipients, invalid, duplicates, opted_out, warnings}', EXAMPLE.createResult),
              400: error,
              413: error,
              415: error,
            },
          },
        ),
      },
      '/api/blasts/upload': {
        post: op(
          'Blasts',
          'Create a blast from a CSV upload (multipart/form-data: file, message, blast_tag, …); a phone column, the others become template variables',
          {
            responses: { 201: answer('as POST /api/blasts', EXAMPLE.createResult), 400: error, 413: error },
          },
        ),
      },
      '/api/blasts/{id}': {
        get: op(
          'Blasts',
          'One blast with its funnel and its pace: plan {preset, summary, eta_seconds, finishes_at, eta_text, waiting_for_window, window_opens_at, note}',
          { parameters: idParam, responses: ok('Blast') },
        ),
      },
      '/api/blasts/{id}/send': {
        post: op('Blasts', 'Start now (or at scheduled_at); ?wait=true blocks until done', {
          parameters: [...idParam, param('wait', 'query', { type: 'boolean' }, false)],
          responses: ok('{success, sent, failed, queued, uncertain, state}', {
            success: true,
            sent: 0,
            failed: 0,
            queued: 120,
            uncertain: 0,
            state: 'sending',
          }),
        }),
      },
      '/api/blasts/{id}/pause': {
        post: op('Blasts', 'Pause before the next message', {
          parameters: idParam,
          responses: ok('{success, state}', { success: true, state: 'paused' }),
        }),
      },
      '/api/blasts/{id}/resume': {
        post: op('Blasts', 'Resume a paused blast', {
          parameters: idParam,
          responses: ok('{success, state}', { success: true, state: 'sending' }),
        }),
      },
      '/api/blasts/{id}/cancel': {
        post: op('Blasts', 'Cancel; recipients not yet sent become SKIPPED', {
          parameters: idParam,
          responses: ok('{success, state}', { success: true, state: 'cancelled' }),
        }),
      },
      '/api/blasts/{id}/resend': {
        post: op(
          'Blasts',
          'Requeue UNCERTAIN and/or retryable FAILED recipients on purpose (they may get the message twice; a number not on WhatsApp is not retried); dry_run counts',
          {
            parameters: idParam,
            requestBody: body(resendBody, EXAMPLE.resend),
            responses: ok('{success, requeued, not_retryable}', { success: true, requeued: 3, not_retryable: 1 }),
          },
        ),
      },
      '/api/blasts/{id}/follow-up': {
        post: op('Blasts', 'Create the next blast from a funnel segment of this one', {
          parameters: idParam,
          requestBody: body(followUpBody, EXAMPLE.followUp),
          responses: { 201: answer('as POST /api/blasts', EXAMPLE.createResult), 400: error, 404: error },
        }),
      },
      '/api/blasts/{id}/sequence': {
        get: op(
          'Sequences',
          "The blast's sequence: state, each step (state waiting|created|cancelled, due_at, blast_id, recipients, counts) and its members (active, left by reason, taken over by)",
          { parameters: idParam, responses: ok('Sequence') },
        ),
        put: op(
          'Sequences',
          'Create the sequence, or edit the steps not yet created (steps already created must be repeated unchanged); delay_seconds counts from when the previous step finished sending',
          {
            parameters: idParam,
            requestBody: body(sequenceBody, {
              steps: [
                {
                  segment: 'not_replied',
                  delay_seconds: 86_400,
                  message: 'Hi {{name}}, just checking you saw our offer?',
                  follow_up_stage: 'Follow-up 1',
                },
              ],
            }),
            responses: { 200: answer('Sequence (edited)'), 201: answer('Sequence (created)'), 400: error, 404: error, 409: error },
          },
        ),
      },
      '/api/blasts/{id}/sequence/pause': {
        post: op('Sequences', 'Create no step until resumed; everyone stays at their step', {
          parameters: idParam,
          responses: ok('{success, state}'),
        }),
      },
      '/api/blasts/{id}/sequence/resume': {
        post: op('Sequences', 'Resume; a step that fell due meanwhile is created at once', {
          parameters: idParam,
          responses: ok('{success, state}'),
        }),
      },
      '/api/blasts/{id}/sequence/cancel': {
        post: op('Sequences', 'Cancel the steps not yet created; members are free to join another sequence', {
          parameters: idParam,
          responses: ok('{success, state}'),
        }),
      },
      '/api/blasts/{id}/sequence/report': {
        get: op('Sequences', 'The chain: per stage sent, read, replied, and the cumulative reply rate of the original recipients', {
          parameters: idParam,
          responses: ok('{original_recipients, sent, replied, reply_rate, stages}'),
        }),
      },
      '/api/blasts/{id}/recipients': {
        get: op(
          'Recipients',
          'Recipients with their latest reply and opt-out; filter by status, phone digits, q (name, any variable or number). format=csv exports a spreadsheet: name first, statuses as people say them, the reply text, times in tz (default REPORT_TIMEZONE), a file named after the blast, tag and filter',
          {
            parameters: [...idParam, ...queryParams(recipientsQuery)],
            responses: ok('{recipients, total, limit, offset}, or text/csv', {
              recipients: [EXAMPLE.recipient],
              total: 1,
              limit: 50,
              offset: 0,
            }),
          },
        ),
      },
      '/api/blasts/{id}/recipients/close': {
        post: op('Recipients', 'Mark the recipient with this phone CLOSED', {
          parameters: idParam,
          requestBody: body(closeByPhoneBody, EXAMPLE.closeByPhone),
          responses: ok('{success, recipient}'),
        }),
      },
      '/api/recipients/{id}/close': {
        post: op('Recipients', 'Mark a sent recipient CLOSED, with an optional outcome (won/lost) and note (409 if never sent)', {
          parameters: idParam,
          requestBody: { ...body(closeBody, EXAMPLE.close), required: false },
          responses: ok('{success, recipient}'),
        }),
      },
      '/api/recipients/{id}/reopen': {
        post: op('Recipients', 'Undo a close: back to the status it was closed from (409 if not CLOSED)', {
          parameters: idParam,
          responses: ok('{success, recipient}'),
        }),
      },
      '/api/blasts/{id}/check-status': {
        post: op('Recipients', 'Poll the gateway for every unsettled recipient now', {
          parameters: idParam,
          responses: ok('{checked, updated}', { checked: 12, updated: 4 }),
        }),
      },
      '/api/replies': {
        get: op(
          'Replies',
          'Replies across blasts, newest first; filter by blast, tag, stage, date, open; q searches number, name or text',
          {
            parameters: queryParams(repliesQuery),
            responses: ok('{replies, total, limit, offset}', { replies: [EXAMPLE.reply], total: 1, limit: 50, offset: 0 }),
          },
        ),
      },
      '/api/replies/events': {
        get: op('Replies', 'Server-sent events: `change` whenever the inbox changes', { responses: ok('text/event-stream') }),
      },
      '/api/contacts/{phone}': {
        get: op('Replies', 'Everything sent to a number across blasts, its replies and its opt-out (any spelling of the number)', {
          parameters: phoneParam,
          responses: ok('{phone, name, opted_out, messages, replies}'),
        }),
      },
      '/api/blasts/{id}/report': {
        get: op('Reports', 'The funnel: sent, received, read, replied, closed and more', {
          parameters: idParam,
          responses: ok('Report', EXAMPLE.report),
        }),
      },
      '/api/blasts/{id}/events': {
        get: op('Reports', 'Server-sent events: the report whenever the funnel changes', {
          parameters: idParam,
          responses: ok('text/event-stream'),
        }),
      },
      '/api/reports/funnel': {
        get: op(
          'Reports',
          'The funnel across blasts by follow_up_stage, tag, device (blasts created in from–to) or day (events in from–to, days in tz); format=csv',
          {
            parameters: queryParams(reportQuery),
            responses: ok('{group_by, tz, from, to, groups, total}'),
          },
        ),
      },
      '/api/archive': {
        post: op(
          'Blasts',
          'Export the recipients of blasts finished before `before` to CSV files (ARCHIVE_DIR) and delete them; reports and counters stay',
          {
            requestBody: body(archiveBody, { before: '2026-01-01' }),
            responses: ok('{before, blasts: [{blast_id, exported, deleted, file}], exported, deleted}'),
          },
        ),
      },
      '/api/opt-outs': {
        get: op(
          'Opt-outs',
          'Numbers never to message, newest first, each with its source (reply, manual, import, probably_blocked); q searches number or reason',
          {
            parameters: queryParams(optOutsQuery),
            responses: ok('{opt_outs, total, limit, offset}', {
              opt_outs: [
                { phone_number: '+60123456789', reason: 'replied "STOP"', source: 'reply', created_at: '2026-12-01T01:15:00.000Z' },
              ],
              total: 1,
              limit: 50,
              offset: 0,
            }),
          },
        ),
        post: op('Opt-outs', 'Opt a number out by hand (any spelling, or as probably blocked); 201 when new, 200 when it was already', {
          requestBody: body(addOptOutBody, EXAMPLE.optOut),
          responses: {
            201: answer('{success, phone_number, added}', { success: true, phone_number: '+60123456789', added: true }),
            400: error,
          },
        }),
      },
      '/api/opt-outs/import': {
        post: op('Opt-outs', 'Opt out every number of a CSV with a phone column (multipart/form-data "file")', {
          responses: ok('{success, added, already, duplicates, invalid}'),
        }),
      },
      '/api/opt-outs/{phone}': {
        delete: op('Opt-outs', 'Remove a number from the list (it may be messaged again)', {
          parameters: phoneParam,
          responses: ok('{success}', { success: true }),
        }),
      },
      '/api/devices': {
        get: op(
          'Devices',
          'Devices with their pacing (overrides, and the effective plan in words), messages sent today (local day) and in the last hour, sending state (running, or held: kind, reason, retry_at) and health (sent today vs cap, error rate over the last 50 sends, last refusal, paused, numbers that probably blocked it)',
          { responses: ok('{devices}') },
        ),
      },
      '/api/devices/{id}': {
        put: op(
          'Devices',
          'Set pacing overrides of a device (preset, send_window, send_timezone, hourly_cap, daily_cap, gaps, in_use_since…; null: the env default)',
          {
            parameters: [param('id', 'path', { type: 'string' })],
            requestBody: body(devicePatch, EXAMPLE.devicePatch),
            responses: ok('Device'),
          },
        ),
        patch: op('Devices', 'As PUT: only the fields given change', {
          parameters: [param('id', 'path', { type: 'string' })],
          requestBody: body(devicePatch, EXAMPLE.devicePatch),
          responses: ok('Device'),
        }),
      },
      '/api/devices/{id}/resume': {
        post: op(
          'Devices',
          "End a held or paused device's hold or pause now (token fixed, phone back online, errors judged); the error window starts afresh",
          { parameters: [param('id', 'path', { type: 'string' })], responses: ok('Device') },
        ),
      },
      '/api/devices/{id}/pause': {
        post: op('Devices', 'Pause a device by hand ({reason?}): its numbers wait, new phones go to the rest of its pools', {
          parameters: [param('id', 'path', { type: 'string' })],
          responses: ok('Device'),
        }),
      },
      '/api/devices/{id}/probably-blocked': {
        get: op(
          'Devices',
          'Numbers this device messaged that stayed undelivered for 7 days (probably blocked it); opt out with POST /api/opt-outs',
          {
            parameters: [param('id', 'path', { type: 'string' }), ...queryParams(pageQuery)],
            responses: ok('{device, days, numbers, total, limit, offset}'),
          },
        ),
      },
      '/api/connection': {
        get: op(
          'Connection',
          'Does it work: gateway reachable, token accepted, device, webhook URL, last webhook (raw), status lookup, sending state; each check ok true/false/null',
          {
            responses: ok('{ok, problems, checks: [{id, label, ok, detail}], webhook, last_webhook, devices}'),
          },
        ),
      },
      '/api/connection/test-message': {
        post: op(
          'Connection',
          'Send one real message to your own number as a one-recipient blast tagged "Connection test"; waits up to 20 s for the outcome',
          {
            requestBody: body(testMessageBody, EXAMPLE.testMessage),
            responses: { 201: answer('{blast_id, outcome: sent|failed|uncertain|waiting, message_id, reason, held}'), 400: error },
          },
        ),
      },
      '/api/webhook-url': {
        get: op('Connection', 'The webhook URL to paste into WSAPME, secret masked (reveal=true shows it)', {
          parameters: [param('reveal', 'query', { type: 'boolean' }, false)],
          responses: ok('{configured, url, masked, reminder}'),
        }),
      },
      '/webhooks/wsapme/{secret}': {
        post: op(
          'Gateway webhooks',
          'WSAPME status and inbound-message webhooks, the secret in the path (the form to paste into WSAPME). Any body is stored raw and answered 200 with what became of each event',
          {
            security: [],
            parameters: [param('secret', 'path', { type: 'string' })],
            requestBody: {
              content: {
                'application/json': { example: { event: 'message', from: '60123456789@s.whatsapp.net', message: 'Interested!' } },
              },
            },
            responses: {
              200: answer('stored: {ok, accepted, request_id, events: [{result, reason}]}'),
              401: error,
              413: error,
              503: error,
            },
          },
        ),
      },
      '/webhooks/wsapme': {
        post: op('Gateway webhooks', 'The same, the secret as ?token= or X-Webhook-Secret', {
          security: [],
          responses: { 200: answer('stored'), 401: error, 413: error, 503: error },
        }),
      },
      '/api/webhook-events': {
        get: op(
          'Gateway webhooks',
          'The webhook inbox: each event with its result (applied, waiting, ignored, not_understood) and why, and the raw requests they came in; unmatched=true lists events waiting for their send, result= filters',
          {
            responses: ok('{events, requests}'),
          },
        ),
      },
      '/api/webhook-events/reprocess': {
        post: op('Gateway webhooks', 'Read not-understood events again with this version (all, or {ids}) and apply what it understands', {
          responses: ok('{success, examined, applied, waiting, ignored, not_understood}'),
        }),
      },
      '/api/webhook-endpoints': {
        get: op('Outbound webhooks', 'Outbound webhook endpoints (secrets masked)', { responses: ok('{endpoints}') }),
        post: op('Outbound webhooks', 'Register an endpoint; the answer carries its whsec_ secret, shown once', {
          requestBody: body(createEndpointBody, EXAMPLE.createEndpoint),
          responses: { 201: answer('{id, secret}'), 400: error },
        }),
      },
      '/api/webhook-endpoints/{id}': {
        get: op('Outbound webhooks', 'One endpoint', { parameters: idParam, responses: ok('Endpoint') }),
        patch: op('Outbound webhooks', 'Change url or events, enable or disable', {
          parameters: idParam,
          requestBody: body(patchEndpointBody, EXAMPLE.patchEndpoint),
          responses: ok('Endpoint'),
        }),
        delete: op('Outbound webhooks', 'Delete an endpoint and its delivery log', { parameters: idParam, responses: ok('{success}') }),
      },
      '/api/webhook-endpoints/{id}/rotate-secret': {
        post: op('Outbound webhooks', 'A new secret; the old one also signs for 24 h', {
          parameters: idParam,
          responses: ok('{id, secret}'),
        }),
      },
      '/api/webhook-endpoints/{id}/deliveries': {
        get: op('Outbound webhooks', 'The delivery log, newest first', {
          parameters: [...idParam, ...queryParams(deliveriesQuery)],
          responses: ok('{deliveries, total, limit, offset}'),
        }),
      },
      '/api/webhook-endpoints/{id}/deliveries/{deliveryId}/redeliver': {
        post: op('Outbound webhooks', 'Send a delivery again, same webhook-id', {
          parameters: [...idParam, param('deliveryId', 'path', { type: 'string' })],
          responses: { 202: answer('{success, id}'), 404: error },
        }),
      },
      '/api/meta': {
        get: op('System', 'What the dashboard needs to know: simulator or not, sign-in required, default device, version', {
          responses: ok('{simulator, auth_required, default_device, version}'),
        }),
      },
      '/api/session': {
        post: op('System', 'Sign the dashboard in with the API token (a session cookie)', {
          security: [],
          requestBody: body(z.strictObject({ token: z.string().min(1).max(500) }), EXAMPLE.session),
          responses: ok('{success}'),
        }),
        delete: op('System', 'Sign out: the session is revoked', { responses: ok('{success}') }),
      },
      '/healthz': {
        get: op('System', 'Whether the database answers', { security: [], responses: { 200: answer('up'), 503: answer('down') } }),
      },
      '/metrics': { get: op('System', 'Prometheus metrics', { responses: { 200: answer('text') } }) },
    },
  };
}
