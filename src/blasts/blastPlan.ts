import { sql } from 'drizzle-orm';
import type { Config } from '../config.ts';
import type { SendPlan } from '../api/contract.ts';
import type { Db } from '../db/client.ts';
import { rows } from '../db/client.ts';
import { describeEta, describePlan, describeWaiting } from '../domain/describePacing.ts';
import type { SendHistory } from '../domain/pacer.ts';
import { estimateFinish } from '../domain/pacingEta.ts';
import type { PacingPreset, PacingRules } from '../domain/pacingRules.ts';
import { type DevicePacingColumns, devicePacingColumns, devicePacingRules, sendHistory } from '../send/deviceSends.ts';

/**
 * What the API says about a blast's pace: the plan in words, the ETA, and whether it is waiting
 * for its send window. The names are a contract with the dashboard's review dialog.
 */
export type Plan = SendPlan;

/** Loads each device's pacing once per request, however many blasts share it. */
export class PlanReader {
  private readonly devices = new Map<
    string,
    Promise<{ columns: DevicePacingColumns | null; history: Map<string, Promise<SendHistory>> }>
  >();

  constructor(
    private readonly db: Db,
    private readonly config: Config,
    private readonly now: number,
  ) {}

  /**
   * The plan for `remaining` messages of a blast on `device` (after `ahead` of older blasts on the
   * same device, which the claim takes first). `waits`: the blast is sending or about to — a
   * draft or a dry run says what sending now would do.
   */
  async plan(device: string, blastPreset: PacingPreset | null, remaining: number, ahead: number, waits: boolean): Promise<Plan> {
    const rules = await this.rules(device, blastPreset);
    const history = await this.history(device, rules);
    const eta = estimateFinish(remaining > 0 ? remaining + ahead : 0, rules, history, this.now);
    const waiting = waits && remaining > 0 && eta.waitingForWindow;
    return {
      preset: rules.preset,
      summary: describePlan(rules),
      eta_seconds: eta.finishesAt === null ? 0 : Math.max(0, Math.round((eta.finishesAt - this.now) / 1000)),
      finishes_at: eta.finishesAt === null ? null : new Date(eta.finishesAt).toISOString(),
      eta_text: describeEta(eta, this.now, rules.timeZone),
      waiting_for_window: waiting,
      window_opens_at: eta.windowOpensAt === null ? null : new Date(eta.windowOpensAt).toISOString(),
      note: waiting && eta.windowOpensAt !== null ? describeWaiting(eta.windowOpensAt, this.now, rules.timeZone) : null,
    };
  }

  /** The preset a blast on this device goes at: its own, else the device's, else the env default. */
  async preset(device: string, blastPreset: PacingPreset | null): Promise<PacingPreset> {
    return (await this.rules(device, blastPreset)).preset;
  }

  /** The device's effective rules now (GET /api/devices), and what it sent today and in the last hour. */
  async deviceRules(device: string): Promise<{ rules: PacingRules; history: SendHistory }> {
    const rules = await this.rules(device, null);
    return { rules, history: await this.history(device, rules) };
  }

  private async rules(device: string, blastPreset: PacingPreset | null): Promise<PacingRules> {
    return devicePacingRules((await this.device(device)).columns, this.config.pacing, blastPreset, this.now);
  }

  private async history(device: string, rules: PacingRules): Promise<SendHistory> {
    const d = await this.device(device);
    const key = `${rules.timeZone}|${rules.hourlyCap}`;
    let h = d.history.get(key);
    if (!h) {
      h = sendHistory(this.db, device, rules.timeZone, this.now, rules.hourlyCap);
      d.history.set(key, h);
    }
    return h;
  }

  private device(device: string) {
    let d = this.devices.get(device);
    if (!d) {
      d = devicePacingColumns(this.db, device).then((columns) => ({ columns, history: new Map() }));
      this.devices.set(device, d);
    }
    return d;
  }
}

/** Messages still queued in older sending blasts of the same device: the claim sends those first. */
export async function queuedAhead(db: Db, device: string, blastId: number): Promise<number> {
  const [row] = await rows<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM blast_recipients r JOIN blasts b ON b.id = r.blast_id
        WHERE b.device = ${device} AND b.state = 'sending' AND b.id < ${blastId} AND r.status = 'QUEUED'`,
  );
  return row?.n ?? 0;
}
