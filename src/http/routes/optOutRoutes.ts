import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { normalisePhone } from '../../domain/phone.ts';
import { AppError } from '../../errors.ts';
import { importOptOuts } from '../../optOuts/importOptOuts.ts';
import { addOptOut, listOptOuts, removeOptOut } from '../../optOuts/optOutStore.ts';
import type { AppContext } from '../context.ts';
import { addOptOutBody, optOutsQuery } from '../optOutSchemas.ts';
import { parse } from '../schemas.ts';

const CSV_MAX_BYTES = 10 * 1024 * 1024;

/** Numbers that must never be messaged: list and search, add, remove, import a CSV. */
export async function optOutRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const { db } = ctx.database;
  const region = ctx.config.phoneRegion;

  app.get('/api/opt-outs', async (req) => {
    const q = parse(optOutsQuery, req.query);
    return listOptOuts(db, { q: q.q, source: q.source }, { limit: q.limit, offset: q.offset });
  });

  app.post('/api/opt-outs', async (req, reply) => {
    const { phone, reason, source } = parse(addOptOutBody, req.body);
    const parsed = normalisePhone(phone, region);
    if (!parsed.ok) throw new AppError('validation_failed', `phone: ${parsed.reason}`, [{ field: 'phone', message: parsed.reason }]);
    const added = await addOptOut(db, parsed.e164, reason || (source === 'manual' ? 'added by hand' : 'probably blocked'), source);
    if (added) req.log.info({ source }, 'number opted out');
    reply.status(added ? 201 : 200);
    return { success: true, phone_number: parsed.e164, added };
  });

  app.post('/api/opt-outs/import', async (req) => {
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
  });

  app.delete('/api/opt-outs/:phone', async (req) => {
    const { phone } = parse(z.object({ phone: z.string().min(1).max(64) }), req.params);
    const parsed = normalisePhone(phone, region);
    if (!(await removeOptOut(db, parsed.ok ? parsed.e164 : phone))) throw new AppError('not_found', 'That number is not opted out');
    return { success: true };
  });
}
