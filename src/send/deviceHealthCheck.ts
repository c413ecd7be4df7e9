import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { rows } from '../db/client.ts';
import { errorWindows } from '../devices/deviceHealth.ts';
import { pauseDevice } from '../devices/devicePause.ts';
import { healthVerdict } from '../domain/deviceHealth.ts';
import type { Logger } from '../log.ts';

/**
 * The automatic pause: a device with sending work whose error rate over its last sends passes
 * `threshold` (HEALTH_PAUSE_ERROR_RATE) is paused, so a bad list or a restricted number stops
 * burning itself; the rest of its pools take the new phones. Any engine may run it: the UPDATE
 * pauses a device once. Returns the devices it paused.
 */
export async function pauseUnhealthyDevices(db: Db, threshold: number, log: Logger): Promise<string[]> {
  if (threshold >= 1) return [];
  const candidates = await rows<{ id: string }>(
    db,
    sql`SELECT DISTINCT d.id FROM devices d
        JOIN blast_devices bd ON bd.device = d.id
        JOIN blasts b ON b.id = bd.blast_id AND b.state = 'sending'
        WHERE d.paused_at IS NULL AND d.enabled`,
  );
  const windows = await errorWindows(
    db,
    candidates.map((c) => c.id),
  );
  const paused: string[] = [];
  for (const [device, w] of windows) {
    const verdict = healthVerdict(w, threshold);
    if (!verdict.pause || !verdict.reason) continue;
    if (await pauseDevice(db, device, `paused automatically: ${verdict.reason}`)) {
      log.warn({ device, errors: w.errors, sends: w.sends }, 'device paused: its error rate is above HEALTH_PAUSE_ERROR_RATE');
      paused.push(device);
    }
  }
  return paused;
}
