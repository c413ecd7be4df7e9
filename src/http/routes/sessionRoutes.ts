import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { success } from '../../api/answerParts.ts';
import { signInAnswer } from '../../api/connectionAnswers.ts';
import type { SignIn } from '../auth.ts';
import type { AppContext } from '../context.ts';
import type { Tag } from '../openapi.ts';
import { EXAMPLE } from '../openapiExamples.ts';
import { errors, example } from '../routeSchema.ts';

const signInBody = z.strictObject({ token: z.string().min(1).max(500) });

/** The dashboard's sign-in and sign-out (SECURITY.md: sessions). Without API_TOKEN there is nothing to sign in to. */
export async function sessionRoutes(app: FastifyInstance, ctx: AppContext, auth: SignIn | null): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const tags: Tag[] = ['System'];

  api.post(
    '/api/session',
    {
      schema: {
        tags,
        summary: 'Sign the dashboard in with the API token (a session cookie)',
        security: [],
        body: example(signInBody, EXAMPLE.session),
        response: { 200: signInAnswer, ...errors },
      },
    },
    async (req, reply) => {
      if (!auth || !ctx.config.apiToken) return { success: true as const, auth_required: false as const };
      await auth.signIn(req, reply, req.body.token);
      return { success: true as const };
    },
  );

  api.delete(
    '/api/session',
    { schema: { tags, summary: 'Sign out: the session is revoked', response: { 200: success, ...errors } } },
    async (req, reply) => {
      await auth?.signOut(req, reply);
      return { success: true as const };
    },
  );
}
