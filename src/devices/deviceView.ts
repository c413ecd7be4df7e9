import type { DeviceView } from '../api/contract.ts';
import { PlanReader } from '../blasts/blastPlan.ts';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import { describePlan } from '../domain/describePacing.ts';
import { isOpen } from '../domain/sendWindow.ts';
import { sendingState } from '../send/deviceHold.ts';
import { isoTime } from '../util/pgTime.ts';
import { deviceHealth } from './deviceHealth.ts';
import type { DeviceRow } from './deviceQueries.ts';

/**
 * Devices as the API shows them: their own settings, the plan each sends by now (its caps counted
 * per local day of its zone and per sliding hour), its sending state, and its health counted
 * against the pace it really sends by (its local day, its effective cap).
 */
export async function deviceViews(db: Db, found: readonly DeviceRow[], config: Config, now: number): Promise<DeviceView[]> {
  const plans = new PlanReader(db, config, now);
  const shown = await Promise.all(found.map((d) => withPlan(d, plans, now)));
  const health = await deviceHealth(
    db,
    found.map((d, i) => ({
      id: d.id,
      enabled: d.enabled,
      held: d.hold_kind !== null,
      sent_today: shown[i]!.sent_today,
      daily_cap: shown[i]!.effective.daily_cap,
      paused_at: d.paused_at,
      paused_reason: d.paused_reason,
    })),
    config.healthPauseErrorRate,
  );
  return shown.map((v) => ({ ...v, health: health.get(v.id)! }));
}

async function withPlan(
  {
    hold_kind,
    hold_reason,
    held_since,
    held_until,
    hold_probes,
    warm_since_ms: _w,
    last_sent_at_ms,
    paused_at: _p,
    paused_reason: _r,
    ...d
  }: DeviceRow,
  plans: PlanReader,
  now: number,
): Promise<Omit<DeviceView, 'health'>> {
  const { rules, history } = await plans.deviceRules(d.id);
  return {
    ...d,
    lease_expires_at: isoTime(d.lease_expires_at),
    last_sent_at: last_sent_at_ms === null ? null : new Date(last_sent_at_ms).toISOString(),
    sent_today: history.today,
    sent_last_hour: history.lastHour.length,
    sending: sendingState({ hold_kind, hold_reason, held_since, held_until, hold_probes }),
    effective: {
      preset: rules.preset,
      rate: rules.rate,
      burst: rules.burst,
      jitter_ms: rules.jitterMs,
      min_gap_ms: rules.minGapMs,
      max_gap_ms: rules.maxGapMs,
      hourly_cap: rules.hourlyCap,
      daily_cap: rules.dailyCap,
      send_window: rules.window.text,
      send_timezone: rules.timeZone,
      warm_up_day: rules.warmUpDay,
      window_open: isOpen(rules.window, rules.timeZone, now),
      summary: describePlan(rules),
    },
  };
}
