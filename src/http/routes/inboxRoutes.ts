import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { contactTimelineAnswer, replyListAnswer } from '../../api/inboxAnswers.ts';
import { resolveBounds } from '../../domain/timeBounds.ts';
import { contactTimeline } from '../../inbox/contactTimeline.ts';
import { inboxVersion } from '../../inbox/inboxVersion.ts';
import { listReplies } from '../../inbox/listReplies.ts';
import { ChangeFeed } from '../changeFeed.ts';
import type { AppContext } from '../context.ts';
import { openEventStream } from '../eventStream.ts';
import { contactParam, repliesQuery, timeZone } from '../inboxSchemas.ts';
import type { Tag } from '../openapi.ts';
import { EXAMPLE } from '../openapiExamples.ts';
import { errors, example, textAnswer } from '../routeSchema.ts';

/** The replies inbox across blasts, its live feed, and the timeline of one number. */
export async function inboxRoutes(app: FastifyInstance, ctx: AppContext, feed: ChangeFeed): Promise<void> {
  const { db } = ctx.database;
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags: Tag[] = ['Replies'];

  api.get(
    '/api/replies',
    {
      schema: {
        tags,
        summary: 'Replies across blasts, newest first; filter by blast, tag, stage, date, open; q searches number, name or text',
        querystring: repliesQuery,
        response: { 200: example(replyListAnswer, { replies: [EXAMPLE.reply], total: 1, limit: 50, offset: 0 }), ...errors },
      },
    },
    async (req) => {
      const q = req.query;
      const { from, to } = resolveBounds(q.from, q.to, timeZone(q.tz, ctx.config.reportTimeZone));
      return listReplies(
        db,
        { blastId: q.blast_id, stage: q.stage, tag: q.tag, from, to, open: q.open, q: q.q },
        { limit: q.limit, offset: q.offset },
      );
    },
  );

  /** Server-sent events: `change` with the inbox's fingerprint at connect and whenever it changes. */
  api.get(
    '/api/replies/events',
    {
      schema: {
        tags,
        summary: 'Server-sent events: `change` whenever the inbox changes',
        response: { 200: textAnswer('text/event-stream', 'event: change, data: the inbox fingerprint'), ...errors },
      },
    },
    async (_req, reply) => {
      let unsubscribe = () => {};
      const send = openEventStream(reply, ctx.longRequests, () => unsubscribe());
      unsubscribe = feed.subscribe((payload) => send('change', payload));
    },
  );

  api.get(
    '/api/contacts/:phone',
    {
      schema: {
        tags,
        summary: 'Everything sent to a number across blasts, its replies and its opt-out (any spelling of the number)',
        params: contactParam,
        response: { 200: contactTimelineAnswer, ...errors },
      },
    },
    async (req) => contactTimeline(db, req.params.phone, ctx.config.phoneRegion),
  );
}

export function repliesFeed(ctx: AppContext): ChangeFeed {
  return new ChangeFeed(async () => JSON.stringify(await inboxVersion(ctx.database.db)), ctx.log.child({ component: 'replies-feed' }));
}
