import type { Db } from '../db/client.ts';
import type { Logger } from '../log.ts';
import { type Accepted, type Settled, storeAccepted, storeSettled } from './storeOutcomes.ts';

/**
 * Gathers gateway answers for a few milliseconds and stores them in one transaction, so 500
 * sends a second cost tens of commits, not 500. An answer is never dropped: when the database
 * is down the batch stays here and is retried until it lands (the recipient stays SENDING
 * meanwhile, and becomes UNCERTAIN only if this process dies first).
 */
export class OutcomeBuffer {
  private accepted: Accepted[] = [];
  private settled: Settled[] = [];
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;
  /** Answers taken by the flush in progress: stored by it, or still SENDING if it fails. */
  private storing = 0;

  constructor(
    private readonly db: Db,
    private readonly owner: string,
    private readonly device: string,
    private readonly log: Logger,
    private readonly onChange: (blastIds: Set<number>) => void,
    private readonly windowMs = 5,
  ) {}

  get size(): number {
    return this.accepted.length + this.settled.length;
  }

  /** Answers not yet stored, waiting or being stored: rows that are still SENDING in the table. */
  get unstored(): number {
    return this.size + this.storing;
  }

  addAccepted(a: Accepted): void {
    this.accepted.push(a);
    this.schedule();
  }

  addSettled(s: Settled): void {
    this.settled.push(s);
    this.schedule();
  }

  /** Resolves once everything added so far is stored. */
  async drain(): Promise<void> {
    while (this.size > 0 || this.flushing) {
      if (this.flushing) await this.flushing;
      else await this.flush();
    }
  }

  private schedule(): void {
    if (this.timer || this.flushing) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, this.windowMs);
  }

  private flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    let accepted = this.accepted.splice(0);
    let settled = this.settled.splice(0);
    this.storing = accepted.length + settled.length;
    this.flushing = (async () => {
      for (let attempt = 1; ; attempt++) {
        try {
          const changed = await storeAccepted(this.db, this.owner, this.device, accepted);
          if (changed.size) this.onChange(changed);
          this.storing -= accepted.length;
          accepted = [];
          const settledChanged = await storeSettled(this.db, this.owner, settled);
          if (settledChanged.size) this.onChange(settledChanged);
          settled = [];
          return;
        } catch (err) {
          this.log.warn(
            { err: (err as Error).message, attempt, pending: accepted.length + settled.length },
            'storing send results failed; retrying',
          );
          await new Promise((r) => setTimeout(r, Math.min(5000, 100 * 2 ** attempt)));
        }
      }
    })().finally(() => {
      this.storing = 0;
      this.flushing = null;
      if (this.size > 0) this.schedule();
    });
    return this.flushing;
  }
}
