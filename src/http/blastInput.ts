import type { FastifyRequest } from 'fastify';
import type { CreateBlastInput } from '../blasts/createBlast.ts';
import { Readable } from 'node:stream';
import { readRecipientsCsv } from '../blasts/parseCsv.ts';
import type { RawRecipient } from '../blasts/prepareRecipients.ts';
import type { PacingPreset } from '../domain/pacingRules.ts';
import { AppError } from '../errors.ts';
import type { AppContext } from './context.ts';
import { checkRecipient } from './inputLimits.ts';
import { type CreateBlastBody, parse, uploadFields } from './schemas.ts';

/**
 * What POST /api/blasts (and /upload) was given, JSON or a multipart CSV upload, as the input of
 * blasts/createBlast.ts: the sender pool resolved, every recipient's variables and rendered length checked.
 */
const CSV_MAX_BYTES = 50 * 1024 * 1024;

/**
 * `device` alone: a pool of one (the seed's field). `devices`: the pool, its first the primary
 * (blasts.device). Both: `device` must be one of `devices` and becomes the primary.
 */
function senderPool(device: string | undefined, devices: string[] | undefined, fallback: string): { device: string; devices: string[] } {
  if (!devices) return { device: device ?? fallback, devices: [] };
  if (device !== undefined && !devices.includes(device)) {
    throw new AppError('validation_failed', "device: must be one of devices (it is the pool's primary device)", [
      { field: 'device', message: 'not one of devices' },
    ]);
  }
  const primary = device ?? devices[0]!;
  return { device: primary, devices: devices.filter((d) => d !== primary) };
}

export const isJsonType = (type: string | undefined): boolean => /^application\/([\w.+-]+\+)?json\s*(;|$)/i.test(type ?? '');

/** The JSON body, checked by the route's schema (attached, so that a multipart upload is not refused by it). */
export function fromJson(req: FastifyRequest<{ Body: CreateBlastBody }>, ctx: AppContext): CreateBlastInput {
  const body: unknown = req.body;
  if (body === undefined || body === null || typeof body !== 'object') {
    throw new AppError('bad_request', 'Send a JSON object: {"recipients": [...], "message": "..."}');
  }
  if (req.validationError) throw req.validationError;
  const b = req.body;
  const recipients: RawRecipient[] = b.recipients.map((r, i) => {
    const row =
      typeof r === 'string' ? { phone: r, vars: {} } : (({ phone, ...vars }) => ({ phone, vars: vars as Record<string, string> }))(r);
    checkRecipient(`recipients.${i}`, row.phone, row.vars, b.message);
    return row;
  });
  return toInput(b, recipients, b.dry_run ?? false, ctx);
}

/**
 * The multipart upload. The CSV is read whole before any row is parsed: the message, which each
 * row is checked against, may come after the file, and a slow upload must not hold a database
 * transaction open. It is kept as the chunks that arrived (≈ 4 MB for 100,000 rows, outside the
 * JS heap) and parsed inside createBlast's transaction, slice by slice, as the rows are stored.
 */
export async function fromMultipart(req: FastifyRequest, ctx: AppContext): Promise<CreateBlastInput> {
  const fields: Record<string, string> = {};
  let csv: Buffer[] | null = null;
  try {
    for await (const part of req.parts({ limits: { fileSize: CSV_MAX_BYTES, files: 1, fields: 20 } })) {
      if (part.type === 'file') {
        const chunks: Buffer[] = [];
        for await (const chunk of part.file) chunks.push(chunk as Buffer);
        if (part.file.truncated) throw new AppError('payload_too_large', `The CSV is larger than ${CSV_MAX_BYTES / 1024 / 1024} MB`);
        csv = chunks;
      } else {
        fields[part.fieldname] = String(part.value ?? '');
      }
    }
  } catch (err) {
    // Our errors and Fastify's coded ones (limits) keep their status; anything else busboy throws
    // ("Boundary not found", "Unexpected end of multipart data") is a malformed request, not a 500.
    if (err instanceof AppError || (err as { code?: unknown }).code !== undefined) throw err;
    throw new AppError('bad_request', `The upload is not valid multipart/form-data: ${(err as Error).message ?? 'malformed'}`);
  }
  if (!csv) throw new AppError('validation_failed', 'file: attach a CSV file in the "file" field', [{ field: 'file', message: 'missing' }]);
  const f = parse(uploadFields, fields);
  return toInput(f, checkedRows(csv, ctx.config.maxRecipients * 2, f.message), f.dry_run, ctx);
}

/** The CSV's rows as they are parsed, each checked for its variables and the message it renders. */
async function* checkedRows(csv: Buffer[], maxRows: number, message: string): AsyncGenerator<RawRecipient> {
  let line = 1;
  for await (const r of readRecipientsCsv(Readable.from(csv), maxRows)) {
    checkRecipient(`file row ${++line}`, r.phone, r.vars, message);
    yield r;
  }
}

function toInput(
  b: {
    blast_tag?: string | null;
    message: string;
    follow_up_stage?: string | null;
    scheduled_at?: string | null;
    device?: string | undefined;
    pacing_preset?: PacingPreset | null | undefined;
    devices?: string[] | undefined;
  },
  recipients: CreateBlastInput['recipients'],
  dryRun: boolean,
  ctx: AppContext,
): CreateBlastInput {
  return {
    tag: b.blast_tag || null,
    message: b.message,
    followUpStage: b.follow_up_stage || null,
    scheduledAt: b.scheduled_at ? new Date(b.scheduled_at) : null,
    ...senderPool(b.device, b.devices, ctx.config.gateway.device),
    pacingPreset: b.pacing_preset ?? null,
    recipients,
    dryRun,
  };
}
