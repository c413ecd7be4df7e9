import type { Db } from '../db/client.ts';
import type { Logger } from '../log.ts';
import { getBlast } from '../blasts/blastView.ts';

type Listener = (payload: string) => void;

interface Watch {
  listeners: Set<Listener>;
  last: string;
  dirty: boolean;
}

/**
 * Live funnels for server-sent events. Each watched blast is re-read at most every `intervalMs`
 * (when this process saw it change, or every few seconds to catch changes made by other
 * processes) and pushed only if the report differs: coalesced, and correct across processes
 * without LISTEN/NOTIFY (which Neon's pooler does not carry).
 */
export class FunnelHub {
  private readonly watches = new Map<number, Watch>();
  private timer: NodeJS.Timeout | null = null;
  private ticks = 0;

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    private readonly intervalMs = 300,
  ) {}

  subscribe(blastId: number, listener: Listener): () => void {
    let w = this.watches.get(blastId);
    if (!w) {
      w = { listeners: new Set(), last: '', dirty: true };
      this.watches.set(blastId, w);
    }
    w.listeners.add(listener);
    if (w.last) listener(w.last);
    this.ensureTimer();
    return () => {
      w.listeners.delete(listener);
      if (w.listeners.size === 0) this.watches.delete(blastId);
      if (this.watches.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = null;
      }
    };
  }

  /** This process changed these blasts; refresh them at the next tick. */
  markChanged(ids: Iterable<number>): void {
    for (const id of ids) {
      const w = this.watches.get(id);
      if (w) w.dirty = true;
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.watches.clear();
  }

  private ensureTimer(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.refresh(), this.intervalMs);
    this.timer.unref();
    void this.refresh();
  }

  private async refresh(): Promise<void> {
    const everything = this.ticks++ % 7 === 0;
    for (const [id, w] of this.watches) {
      if (!w.dirty && !everything && w.last) continue;
      w.dirty = false;
      try {
        const blast = await getBlast(this.db, id);
        const payload = JSON.stringify({ blast_id: id, state: blast.state, report: blast.report });
        if (payload === w.last) continue;
        w.last = payload;
        for (const l of w.listeners) l(payload);
      } catch (err) {
        this.log.debug({ err: (err as Error).message, blast: id }, 'funnel refresh failed');
      }
    }
  }
}
