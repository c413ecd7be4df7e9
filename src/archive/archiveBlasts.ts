import { createWriteStream, mkdirSync, renameSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from 'node:events';
import type { Db } from '../db/client.ts';
import { csvCell } from '../http/csvCell.ts';
import type { Logger } from '../log.ts';
import {
  ARCHIVE_COLUMNS,
  type ArchivedRow,
  archiveCandidates,
  deleteArchivedChunk,
  markArchived,
  recipientPage,
} from './archiveQueries.ts';

const PAGE = 5_000;
const DELETE_CHUNK = 10_000;

export interface ArchivedBlast {
  blast_id: number;
  /** Recipients written to the file by this run (0 when an earlier run wrote it). */
  exported: number;
  deleted: number;
  file: string;
}

export interface ArchiveResult {
  before: string;
  blasts: ArchivedBlast[];
  exported: number;
  deleted: number;
}

/**
 * Retention: the recipients of blasts finished before `before` are written to one CSV file per
 * blast in `dir` (blast-<id>-recipients.csv), then deleted from blast_recipients, so the hot table
 * holds what is still being worked on (bench scale_10m). The blast row stays, and with it its
 * report and its place in the funnel across blasts: the counters are not decremented (migration
 * 0008). A file is complete and synced to disk before the blast is marked archived, and marked
 * before its first row is deleted: a run stopped anywhere loses nothing, and the next run finishes.
 */
export async function archiveBlasts(db: Db, opts: { before: Date; dir: string; log: Logger }): Promise<ArchiveResult> {
  const candidates = await archiveCandidates(db, opts.before);
  const out: ArchivedBlast[] = [];
  if (candidates.length > 0) mkdirSync(opts.dir, { recursive: true });
  for (const c of candidates) {
    let file = c.archive_file;
    let exported = 0;
    if (c.archived_at === null || file === null) {
      file = join(opts.dir, `blast-${c.id}-recipients.csv`);
      exported = await exportBlast(db, c.id, file);
      await markArchived(db, c.id, file);
    }
    let deleted = 0;
    for (let n = DELETE_CHUNK; n === DELETE_CHUNK; deleted += n) n = await deleteArchivedChunk(db, c.id, DELETE_CHUNK);
    opts.log.info({ blastId: c.id, exported, deleted, file }, 'blast archived');
    out.push({ blast_id: c.id, exported, deleted, file });
  }
  return {
    before: opts.before.toISOString(),
    blasts: out,
    exported: out.reduce((a, b) => a + b.exported, 0),
    deleted: out.reduce((a, b) => a + b.deleted, 0),
  };
}

/** Writes every recipient of the blast to `file` (via a .part file renamed when synced); returns how many. */
async function exportBlast(db: Db, blastId: number, file: string): Promise<number> {
  const part = `${file}.part`;
  const stream = createWriteStream(part);
  const write = async (line: string) => {
    if (!stream.write(line)) await once(stream, 'drain');
  };
  let count = 0;
  try {
    await write(`${ARCHIVE_COLUMNS.join(',')}\n`);
    for (let after = 0; ; ) {
      const page = await recipientPage(db, blastId, after, PAGE);
      if (page.length === 0) break;
      await write(page.map(line).join(''));
      count += page.length;
      after = Number(page[page.length - 1]!.id);
    }
  } finally {
    stream.end();
    await once(stream, 'close');
  }
  const handle = await open(part, 'r+');
  await handle.sync();
  await handle.close();
  renameSync(part, file);
  return count;
}

const line = (r: ArchivedRow) => `${ARCHIVE_COLUMNS.map((c) => csvCell(cell(r[c]))).join(',')}\n`;
const cell = (v: unknown) => (v instanceof Date ? v.toISOString() : v);
