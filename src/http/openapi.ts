/**
 * What /docs says about the API as a whole: its title, how to authenticate, and the groups in the
 * order a newcomer meets them. Every operation — its parameters, body, answers and examples — is
 * generated from the schema its route declares (fastify-type-provider-zod's jsonSchemaTransform),
 * so the documentation is the validation; test/integration/docs.test.ts checks that every
 * registered route is in it.
 */
import { STATUS_CODES } from 'node:http';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';

export const TAGS = [
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
export type Tag = (typeof TAGS)[number]['name'];

export function openApiDocument(version: string) {
  return {
    openapi: '3.1.0',
    info: {
      title: 'wablast API',
      version,
      description:
        'WhatsApp blasts through WSAPME: create, send, track the funnel. Times are ISO 8601 in UTC unless a `tz` says otherwise.',
    },
    tags: [...TAGS],
    components: { securitySchemes: { bearer: { type: 'http' as const, scheme: 'bearer' } } },
    security: [{ bearer: [] }],
  };
}

type Schema = Record<string, unknown>;

/**
 * The provider's transform, with each example lifted to `examples`: zod writes an example as
 * `example` (it drops `examples` from a schema with a transform), while @fastify/swagger shows a
 * body's, an answer's and a parameter's example only from `examples`.
 */
export const docsTransform: typeof jsonSchemaTransform = (input) => {
  const out = jsonSchemaTransform(input);
  const s = out.schema as Schema & { body?: Schema; querystring?: Schema; params?: Schema; response?: Record<string, Schema> };
  lift(s.body);
  for (const part of [s.querystring, s.params]) for (const p of Object.values((part?.properties ?? {}) as Record<string, Schema>)) lift(p);
  for (const [code, answer] of Object.entries(s.response ?? {})) {
    // An answer without a description of its own is named by its status ("Created"), not "Default Response".
    answer.description ??= STATUS_CODES[code];
    lift(answer);
    for (const media of Object.values((answer.content ?? {}) as Record<string, { schema?: Schema }>)) lift(media.schema);
  }
  return out;
};

function lift(schema: Schema | undefined): void {
  if (!schema || !('example' in schema) || 'examples' in schema) return;
  schema.examples = [schema.example];
  delete schema.example;
}
