import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { SignIn } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { parse } from '../schemas.ts';

/** The dashboard's sign-in and sign-out (SECURITY.md: sessions). Without API_TOKEN there is nothing to sign in to. */
export async function sessionRoutes(app: FastifyInstance, ctx: AppContext, auth: SignIn | null): Promise<void> {
  app.post('/api/session', async (req, reply) => {
    const { token } = parse(z.strictObject({ token: z.string().min(1).max(500) }), req.body);
    if (!auth || !ctx.config.apiToken) return { success: true, auth_required: false };
    await auth.signIn(req, reply, token);
    return { success: true };
  });

  app.delete('/api/session', async (req, reply) => {
    await auth?.signOut(req, reply);
    return { success: true };
  });
}
