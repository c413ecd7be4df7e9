import type { Logger } from '../log.ts';

type Listener = (payload: string) => void;

/**
 * One live value for server-sent events, kept the way FunnelHub keeps a blast's funnel: re-read at
 * most every `intervalMs` while this process has marked it changed, and every `everyTicks` ticks
 * regardless (changes made by other processes), and pushed only when it differs — coalesced, and
 * right across processes without LISTEN/NOTIFY. The timer runs only while someone listens.
 */
export class ChangeFeed {
  private readonly listeners = new Set<Listener>();
  private last = '';
  private dirty = true;
  private timer: NodeJS.Timeout | null = null;
  private ticks = 0;
  private reading = false;

  constructor(
    private readonly read: () => Promise<string>,
    private readonly log: Logger,
    private readonly intervalMs = 300,
    private readonly everyTicks = 7,
  ) {}

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    if (this.last) listener(this.last);
    if (!this.timer) {
      this.timer = setInterval(() => void this.refresh(), this.intervalMs);
      this.timer.unref();
      void this.refresh();
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  /** This process changed what the feed shows: re-read at the next tick. */
  markChanged(): void {
    this.dirty = true;
  }

  close(): void {
    this.stop();
    this.listeners.clear();
  }

  private stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async refresh(): Promise<void> {
    const everything = this.ticks++ % this.everyTicks === 0;
    if (this.reading || (!this.dirty && !everything && this.last)) return;
    this.dirty = false;
    this.reading = true;
    try {
      const payload = await this.read();
      if (payload === this.last) return;
      this.last = payload;
      for (const l of this.listeners) l(payload);
    } catch (err) {
      this.log.debug({ err: (err as Error).message }, 'change feed refresh failed');
    } finally {
      this.reading = false;
    }
  }
}
