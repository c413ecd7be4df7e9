import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { rows } from '../db/client.ts';
import { SEGMENT_STATUSES as SEGMENTS, type Segment } from '../domain/segments.ts';
import { AppError } from '../errors.ts';
import { getBlast } from './blastView.ts';
import { type CreateBlastResult, type CreateLimits, createBlast } from './createBlast.ts';
import { textArray } from '../db/statusSql.ts';

export { SEGMENT_STATUSES as SEGMENTS, type Segment } from '../domain/segments.ts';

export interface FollowUpInput {
  segment: Segment;
  message: string;
  tag: string | null;
  followUpStage: string | null;
  scheduledAt: Date | null;
  dryRun: boolean;
}

/**
 * Creates the next blast from a funnel segment of a previous one ("read but not replied"), keeping
 * each recipient's template variables and linking the new blast to its parent. Opt-outs since the
 * first blast are kept out as in any new blast.
 */
export async function createFollowUp(db: Db, parentId: number, input: FollowUpInput, limits: CreateLimits): Promise<CreateBlastResult> {
  const parent = await getBlast(db, parentId);
  const statuses: readonly string[] = SEGMENTS[input.segment];
  const members = await rows<{ phone_number: string; variables: Record<string, string> }>(
    db,
    sql`SELECT phone_number, variables FROM blast_recipients
        WHERE blast_id = ${parentId} AND status = ANY(${textArray(statuses)})
        ORDER BY id`,
  );
  if (members.length === 0 && !input.dryRun) {
    throw new AppError('validation_failed', `Nobody in blast ${parentId} is in the segment "${input.segment}"`, [
      { field: 'segment', message: 'empty segment' },
    ]);
  }
  return createBlast(
    db,
    {
      tag: input.tag ?? parent.tag,
      message: input.message,
      followUpStage: input.followUpStage,
      scheduledAt: input.scheduledAt,
      device: parent.device,
      // The same pool: each recipient goes out from the device that first messaged it.
      devices: parent.devices,
      recipients: members.map((m) => ({ phone: m.phone_number, vars: m.variables ?? {} })),
      dryRun: input.dryRun,
      parentBlastId: parentId,
      segment: input.segment,
    },
    limits,
  );
}
