import type { Db } from '../db/client.ts';
import { AppError } from '../errors.ts';
import { getBlast } from './blastView.ts';
import type { Report } from './report.ts';

/** Blocks until the blast leaves scheduled/sending (the seed's synchronous send), or times out with 504. */
export async function waitForBlast(db: Db, id: number, timeoutMs: number): Promise<Report> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const blast = await getBlast(db, id);
    if (blast.state !== 'sending' && blast.state !== 'scheduled') return blast.report;
    if (Date.now() > deadline) throw new AppError('timeout', `Blast ${id} is still ${blast.state}; its report keeps filling`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
