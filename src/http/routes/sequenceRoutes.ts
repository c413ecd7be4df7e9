import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { chainReportAnswer, sequenceAnswer, sequenceStateAnswer } from '../../api/sequenceAnswers.ts';
import { chainReport } from '../../sequences/chainReport.ts';
import { putSequence } from '../../sequences/putSequence.ts';
import { cancelSequence, pauseSequence, resumeSequence } from '../../sequences/sequenceLifecycle.ts';
import { getSequence } from '../../sequences/sequenceView.ts';
import type { AppContext } from '../context.ts';
import type { Tag } from '../openapi.ts';
import { EXAMPLE } from '../openapiExamples.ts';
import { errors, example } from '../routeSchema.ts';
import { idParam } from '../schemas.ts';
import { sequenceBody, toStepSpecs } from '../sequenceSchemas.ts';

/** A blast's sequence of automatic follow-ups (src/sequences/); the engine creates its steps. */
export async function sequenceRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const { db } = ctx.database;
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags: Tag[] = ['Sequences'];
  const params = idParam;

  api.get(
    '/api/blasts/:id/sequence',
    {
      schema: {
        tags,
        summary:
          "The blast's sequence: state, each step (state waiting|created|cancelled, due_at, blast_id, recipients, counts) and its members (active, left by reason, taken over by)",
        params,
        response: { 200: sequenceAnswer, ...errors },
      },
    },
    async (req) => getSequence(db, req.params.id),
  );
  api.put(
    '/api/blasts/:id/sequence',
    {
      schema: {
        tags,
        summary:
          'Create the sequence, or edit the steps not yet created (steps already created must be repeated unchanged); delay_seconds counts from when the previous step finished sending',
        params,
        body: example(sequenceBody, EXAMPLE.sequence),
        response: {
          200: sequenceAnswer.meta({ description: 'Edited' }),
          201: sequenceAnswer.meta({ description: 'Created' }),
          ...errors,
        },
      },
    },
    async (req, reply) => {
      const { id } = req.params;
      const steps = toStepSpecs(req.body);
      const { created } = await putSequence(db, id, steps);
      ctx.hub.markChanged([id]);
      ctx.wakeEngine();
      req.log.info({ blast: id, steps: steps.length, created }, created ? 'sequence created' : 'sequence edited');
      reply.status(created ? 201 : 200);
      return getSequence(db, id);
    },
  );
  api.get(
    '/api/blasts/:id/sequence/report',
    {
      schema: {
        tags,
        summary: 'The chain: per stage sent, read, replied, and the cumulative reply rate of the original recipients',
        params,
        response: { 200: chainReportAnswer, ...errors },
      },
    },
    async (req) => chainReport(db, req.params.id),
  );

  for (const [action, summary, run] of [
    ['pause', 'Create no step until resumed; everyone stays at their step', pauseSequence],
    ['resume', 'Resume; a step that fell due meanwhile is created at once', resumeSequence],
    ['cancel', 'Cancel the steps not yet created; members are free to join another sequence', cancelSequence],
  ] as const) {
    api.post(
      `/api/blasts/:id/sequence/${action}`,
      { schema: { tags, summary, params, response: { 200: sequenceStateAnswer, ...errors } } },
      async (req) => {
        const { id } = req.params;
        const state = await run(db, id);
        ctx.hub.markChanged([id]);
        if (action === 'resume') ctx.wakeEngine();
        return { success: true as const, state };
      },
    );
  }
}
