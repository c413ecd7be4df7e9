import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { success } from '../../api/answerParts.ts';
import { addOptOutAnswer, optOutImportAnswer, optOutListAnswer } from '../../api/inboxAnswers.ts';
import { normalisePhone } from '../../domain/phone.ts';
import { AppError } from '../../errors.ts';
import { importOptOuts } from '../../optOuts/importOptOuts.ts';
import { addOptOut, listOptOuts, removeOptOut } from '../../optOuts/optOutStore.ts';
import type { AppContext } from '../context.ts';
import { contactParam } from '../inboxSchemas.ts';
import type { Tag } from '../openapi.ts';
import { EXAMPLE } from '../openapiExamples.ts';
import { addOptOutBody, optOutsQuery } from '../optOutSchemas.ts';
import { errors, example } from '../routeSchema.ts';

const CSV_MAX_BYTES = 10 * 1024 * 1024;

/** Numbers that must never be messaged: list and search, add, remove, import a CSV. */
export async function optOutRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const { db } = ctx.database;
  const region = ctx.config.phoneRegion;
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags: Tag[] = ['Opt-outs'];

  api.get(
    '/api/opt-outs',
    {
      schema: {
        tags,
        summary:
          'Numbers never to message, newest first, each with its source (reply, manual, import, probably_blocked); q searches number or reason',
        querystring: optOutsQuery,
        response: { 200: example(optOutListAnswer, EXAMPLE.optOutList), ...errors },
      },
    },
    async (req) => {
      const q = req.query;
      return listOptOuts(db, { q: q.q, source: q.source }, { limit: q.limit, offset: q.offset });
    },
  );

  const added = example(addOptOutAnswer, { success: true, phone_number: '+60123456789', added: true });
  api.post(
    '/api/opt-outs',
    {
      schema: {
        tags,
        summary: 'Opt a number out by hand (any spelling, or as probably blocked); 201 when new, 200 when it was already',
        body: example(addOptOutBody, EXAMPLE.optOut),
        response: { 200: addOptOutAnswer, 201: added, ...errors },
      },
    },
    async (req, reply) => {
      const { phone, reason, source } = req.body;
      const parsed = normalisePhone(phone, region);
      if (!parsed.ok) throw new AppError('validation_failed', `phone: ${parsed.reason}`, [{ field: 'phone', message: parsed.reason }]);
      const added = await addOptOut(db, parsed.e164, reason || (source === 'manual' ? 'added by hand' : 'probably blocked'), source);
      if (added) req.log.info({ source }, 'number opted out');
      reply.status(added ? 201 : 200);
      return { success: true as const, phone_number: parsed.e164, added };
    },
  );

  // The form is read part by part (a CSV of any length): Fastify's schema cannot check it.
  api.post(
    '/api/opt-outs/import',
    {
      schema: {
        tags,
        summary: 'Opt out every number of a CSV with a phone column (multipart/form-data "file")',
        response: { 200: optOutImportAnswer, ...errors },
      },
    },
    async (req) => {
      if (!req.isMultipart())
        throw new AppError('unsupported_media_type', 'Send multipart/form-data with a CSV "file" that has a phone column');
      let result: Awaited<ReturnType<typeof importOptOuts>> | null = null;
      try {
        for await (const part of req.parts({ limits: { fileSize: CSV_MAX_BYTES, files: 1, fields: 5 } })) {
          if (part.type !== 'file') continue;
          const name = part.filename ? part.filename.replace(/[^\w. -]/g, '').slice(0, 80) : '';
          result = await importOptOuts(db, part.file, {
            region,
            maxRows: ctx.config.maxRecipients,
            reason: name ? `imported from ${name}` : 'imported',
          });
          if (part.file.truncated) throw new AppError('payload_too_large', `The CSV is larger than ${CSV_MAX_BYTES / 1024 / 1024} MB`);
        }
      } catch (err) {
        if (err instanceof AppError || (err as { code?: unknown }).code !== undefined) throw err;
        throw new AppError('bad_request', `The upload is not valid multipart/form-data: ${(err as Error).message ?? 'malformed'}`);
      }
      if (!result)
        throw new AppError('validation_failed', 'file: attach a CSV file in the "file" field', [{ field: 'file', message: 'missing' }]);
      req.log.info({ added: result.added, already: result.already, invalid: result.invalid.length }, 'opt-outs imported');
      return result;
    },
  );

  api.delete(
    '/api/opt-outs/:phone',
    {
      schema: {
        tags,
        summary: 'Remove a number from the list (it may be messaged again)',
        params: contactParam,
        response: { 200: example(success, { success: true }), ...errors },
      },
    },
    async (req) => {
      const { phone } = req.params;
      const parsed = normalisePhone(phone, region);
      if (!(await removeOptOut(db, parsed.ok ? parsed.e164 : phone))) throw new AppError('not_found', 'That number is not opted out');
      return { success: true as const };
    },
  );
}
