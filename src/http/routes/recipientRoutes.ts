import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { checkStatusAnswer, closeAnswer, recipientListAnswer } from '../../api/recipientAnswers.ts';
import { getBlast } from '../../blasts/blastView.ts';
import { closeRecipient, closeRecipientByPhone, reopenRecipient } from '../../blasts/closeRecipient.ts';
import { exportRecipients } from '../../blasts/exportRecipients.ts';
import { listRecipients, variableNames } from '../../blasts/listRecipients.ts';
import type { AppContext } from '../context.ts';
import { closeBody, timeZone } from '../inboxSchemas.ts';
import type { Tag } from '../openapi.ts';
import { EXAMPLE } from '../openapiExamples.ts';
import { attachment, exportFileName, recipientsCsv } from '../recipientsCsv.ts';
import { errors, example, textAnswer } from '../routeSchema.ts';
import { closeByPhoneBody, idParam, recipientsQuery } from '../schemas.ts';
import { inboxRoutes, repliesFeed } from './inboxRoutes.ts';
import { reportRoutes } from './reportRoutes.ts';

export async function recipientRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const { db } = ctx.database;
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags: Tag[] = ['Recipients'];
  const params = idParam;
  const feed = repliesFeed(ctx);
  app.addHook('onClose', async () => feed.close());

  api.get(
    '/api/blasts/:id/recipients',
    {
      schema: {
        tags,
        summary:
          'Recipients with their latest reply and opt-out; filter by status, phone digits, q (name, any variable or number). format=csv exports a spreadsheet: name first, statuses as people say them, the reply text, times in tz (default REPORT_TIMEZONE), a file named after the blast, tag and filter',
        params,
        querystring: recipientsQuery,
        response: {
          200: {
            description: '{recipients, total, limit, offset}, or text/csv',
            content: {
              'application/json': {
                schema: example(recipientListAnswer, { recipients: [EXAMPLE.recipient], total: 1, limit: 50, offset: 0 }),
              },
              'text/csv': textAnswer('text/csv', 'The export').content['text/csv'],
            },
          },
          ...errors,
        },
      },
    },
    async (req, reply) => {
      const { id } = req.params;
      const q = req.query;
      const blast = await getBlast(db, id);
      const filter = { blastId: id, statuses: q.status, phone: q.phone, q: q.q };
      if (q.format === 'json') return listRecipients(db, filter, { limit: q.limit, offset: q.offset });
      const tz = timeZone(q.tz, ctx.config.reportTimeZone);
      const now = Date.now();
      reply.header('content-type', 'text/csv; charset=utf-8');
      reply.header('content-disposition', attachment(exportFileName(blast, filter, tz, now)));
      const vars = await variableNames(db, filter);
      // Fastify sends strings, buffers and streams, not async generators: wrap it in a stream.
      return reply.send(Readable.from(recipientsCsv(exportRecipients(db, filter), vars, tz, now)));
    },
  );

  const closed = { 200: closeAnswer, ...errors };
  api.post(
    '/api/recipients/:id/close',
    {
      schema: {
        tags,
        summary: 'Mark a sent recipient CLOSED, with an optional outcome (won/lost) and note (409 if never sent)',
        params,
        body: example(closeBody, EXAMPLE.close),
        response: closed,
      },
    },
    async (req) => {
      const recipient = await closeRecipient(db, req.params.id, req.body);
      ctx.hub.markChanged([recipient.blast_id]);
      feed.markChanged();
      return { success: true as const, recipient };
    },
  );

  api.post(
    '/api/recipients/:id/reopen',
    {
      schema: { tags, summary: 'Undo a close: back to the status it was closed from (409 if not CLOSED)', params, response: closed },
    },
    async (req) => {
      const recipient = await reopenRecipient(db, req.params.id);
      ctx.hub.markChanged([recipient.blast_id]);
      feed.markChanged();
      return { success: true as const, recipient };
    },
  );

  api.post(
    '/api/blasts/:id/recipients/close',
    {
      schema: {
        tags,
        summary: 'Mark the recipient with this phone CLOSED',
        params,
        body: example(closeByPhoneBody, EXAMPLE.closeByPhone),
        response: closed,
      },
    },
    async (req) => {
      const { id } = req.params;
      const recipient = await closeRecipientByPhone(db, id, req.body.phone, ctx.config.phoneRegion);
      ctx.hub.markChanged([id]);
      feed.markChanged();
      return { success: true as const, recipient };
    },
  );

  api.post(
    '/api/blasts/:id/check-status',
    {
      schema: {
        tags,
        summary: 'Poll the gateway for every unsettled recipient now',
        params,
        response: { 200: example(checkStatusAnswer, { checked: 12, updated: 4, lookup: 'available' }), ...errors },
      },
    },
    async (req) => {
      const { id } = req.params;
      await getBlast(db, id);
      return ctx.poller.checkBlast(id);
    },
  );

  // The inbox and the reports live beside the recipients they read.
  await inboxRoutes(app, ctx, feed);
  await reportRoutes(app, ctx);
}
