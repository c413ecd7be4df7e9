import type { FastifyInstance } from 'fastify';
import { chainReport } from '../../sequences/chainReport.ts';
import { putSequence } from '../../sequences/putSequence.ts';
import { cancelSequence, pauseSequence, resumeSequence } from '../../sequences/sequenceLifecycle.ts';
import { getSequence } from '../../sequences/sequenceView.ts';
import type { AppContext } from '../context.ts';
import { idParam, parse } from '../schemas.ts';
import { sequenceBody, toStepSpecs } from '../sequenceSchemas.ts';

/** A blast's sequence of automatic follow-ups (src/sequences/); the engine creates its steps. */
export async function sequenceRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const { db } = ctx.database;

  app.get('/api/blasts/:id/sequence', async (req) => getSequence(db, parse(idParam, req.params).id));
  app.put('/api/blasts/:id/sequence', async (req, reply) => {
    const { id } = parse(idParam, req.params);
    const steps = toStepSpecs(parse(sequenceBody, req.body));
    const { created } = await putSequence(db, id, steps);
    ctx.hub.markChanged([id]);
    ctx.wakeEngine();
    req.log.info({ blast: id, steps: steps.length, created }, created ? 'sequence created' : 'sequence edited');
    reply.status(created ? 201 : 200);
    return getSequence(db, id);
  });
  app.get('/api/blasts/:id/sequence/report', async (req) => chainReport(db, parse(idParam, req.params).id));

  for (const [action, run] of [
    ['pause', pauseSequence],
    ['resume', resumeSequence],
    ['cancel', cancelSequence],
  ] as const) {
    app.post(`/api/blasts/:id/sequence/${action}`, async (req) => {
      const { id } = parse(idParam, req.params);
      const state = await run(db, id);
      ctx.hub.markChanged([id]);
      if (action === 'resume') ctx.wakeEngine();
      return { success: true, state };
    });
  }
}
