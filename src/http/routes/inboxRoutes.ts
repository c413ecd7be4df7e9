import type { FastifyInstance } from 'fastify';
import { resolveBounds } from '../../domain/timeBounds.ts';
import { contactTimeline } from '../../inbox/contactTimeline.ts';
import { inboxVersion } from '../../inbox/inboxVersion.ts';
import { listReplies } from '../../inbox/listReplies.ts';
import { ChangeFeed } from '../changeFeed.ts';
import type { AppContext } from '../context.ts';
import { openEventStream } from '../eventStream.ts';
import { contactParam, repliesQuery, timeZone } from '../inboxSchemas.ts';
import { parse } from '../schemas.ts';

/** The replies inbox across blasts, its live feed, and the timeline of one number. */
export async function inboxRoutes(app: FastifyInstance, ctx: AppContext, feed: ChangeFeed): Promise<void> {
  const { db } = ctx.database;

  app.get('/api/replies', async (req) => {
    const q = parse(repliesQuery, req.query);
    const { from, to } = resolveBounds(q.from, q.to, timeZone(q.tz, ctx.config.reportTimeZone));
    return listReplies(
      db,
      { blastId: q.blast_id, stage: q.stage, tag: q.tag, from, to, open: q.open, q: q.q },
      { limit: q.limit, offset: q.offset },
    );
  });

  /** Server-sent events: `change` with the inbox's fingerprint at connect and whenever it changes. */
  app.get('/api/replies/events', async (req, reply) => {
    let unsubscribe = () => {};
    const send = openEventStream(reply, ctx.longRequests, () => unsubscribe());
    unsubscribe = feed.subscribe((payload) => send('change', payload));
  });

  app.get('/api/contacts/:phone', async (req) => {
    const { phone } = parse(contactParam, req.params);
    return contactTimeline(db, phone, ctx.config.phoneRegion);
  });
}

export function repliesFeed(ctx: AppContext): ChangeFeed {
  return new ChangeFeed(async () => JSON.stringify(await inboxVersion(ctx.database.db)), ctx.log.child({ component: 'replies-feed' }));
}
