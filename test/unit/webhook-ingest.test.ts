import { describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/client.ts';
import { AppError } from '../../src/errors.ts';
import { silentLogger } from '../../src/log.ts';
import { WebhookIngest } from '../../src/track/webhookIngest.ts';

const down = (code: string) => ({
  transaction: () => Promise.reject(Object.assign(new Error(`relation "webhook_requests": ${code}`), { code })),
});

describe('WebhookIngest when a request cannot be stored', () => {
  it('rejects with the domain error the HTTP layer answers 503, never the database error', async () => {
    const ingest = new WebhookIngest(down('ECONNREFUSED') as unknown as Db, silentLogger, { replyWindowHours: 168, windowMs: 0 }, () => {});
    const req = { contentType: 'application/json', body: '{}', secretIn: 'path', events: [] };
    const err = await ingest.submit(req).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('database_unavailable');
    expect((err as AppError).status).toBe(503);
    expect((err as AppError).message).not.toMatch(/relation|ECONNREFUSED/);
  });

  it('the same for a request run on its own after its batch was refused for its data', async () => {
    // 23505 is a data error: the batch is run again request by request, and storing it raw fails too.
    const ingest = new WebhookIngest(down('23505') as unknown as Db, silentLogger, { replyWindowHours: 168, windowMs: 0 }, () => {});
    const req = { contentType: 'application/json', body: '{}', secretIn: 'path', events: [] };
    const answers = await Promise.allSettled([ingest.submit(req), ingest.submit(req)]);
    for (const a of answers) {
      expect(a.status).toBe('rejected');
      expect((a as PromiseRejectedResult).reason).toMatchObject({ code: 'database_unavailable' });
    }
  });
});
