import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { getBlast } from '../../blasts/blastView.ts';
import { closeRecipient, closeRecipientByPhone, reopenRecipient } from '../../blasts/closeRecipient.ts';
import { exportRecipients } from '../../blasts/exportRecipients.ts';
import { listRecipients, variableNames } from '../../blasts/listRecipients.ts';
import type { AppContext } from '../context.ts';
import { closeBody, timeZone } from '../inboxSchemas.ts';
import { attachment, exportFileName, recipientsCsv } from '../recipientsCsv.ts';
import { closeByPhoneBody, idParam, parse, recipientsQuery } from '../schemas.ts';
import { inboxRoutes, repliesFeed } from './inboxRoutes.ts';
import { reportRoutes } from './reportRoutes.ts';

export async function recipientRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const { db } = ctx.database;
  const feed = repliesFeed(ctx);
  app.addHook('onClose', async () => feed.close());

  app.get('/api/blasts/:id/recipients', async (req, reply) => {
    const { id } = parse(idParam, req.params);
    const q = parse(recipientsQuery, req.query);
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
  });

  app.post('/api/recipients/:id/close', async (req) => {
    const recipient = await closeRecipient(db, parse(idParam, req.params).id, parse(closeBody, req.body));
    ctx.hub.markChanged([recipient.blast_id]);
    feed.markChanged();
    return { success: true, recipient };
  });

  app.post('/api/recipients/:id/reopen', async (req) => {
    const recipient = await reopenRecipient(db, parse(idParam, req.params).id);
    ctx.hub.markChanged([recipient.blast_id]);
    feed.markChanged();
    return { success: true, recipient };
  });

  app.post('/api/blasts/:id/recipients/close', async (req) => {
    const { id } = parse(idParam, req.params);
    const { phone } = parse(closeByPhoneBody, req.body);
    const recipient = await closeRecipientByPhone(db, id, phone, ctx.config.phoneRegion);
    ctx.hub.markChanged([id]);
    feed.markChanged();
    return { success: true, recipient };
  });

  app.post('/api/blasts/:id/check-status', async (req) => {
    const { id } = parse(idParam, req.params);
    await getBlast(db, id);
    return ctx.poller.checkBlast(id);
  });

  // The inbox and the reports live beside the recipients they read.
  await inboxRoutes(app, ctx, feed);
  await reportRoutes(app, ctx);
}
