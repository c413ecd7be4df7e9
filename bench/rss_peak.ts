/**
 * rss_peak: the peak resident memory of the wablast process (compiled as `npm run build` compiles
 * it) that just ran send_rate and create_100k — process.resourceUsage().maxRSS, read inside that
 * process (a child of the bench), so neither the simulator nor the load generator is counted.
 */
import type { AppProcess } from './lib/appProcess.ts';
import { type BenchOutcome, round } from './lib/result.ts';

export const RSS_GOAL_MB = 150;

export async function rssPeak(app: AppProcess): Promise<BenchOutcome> {
  const u = await app.usage();
  const mb = u.resourceUsage.maxRSS / 1024;
  return {
    result: {
      name: 'rss_peak',
      value: round(mb),
      unit: 'MB',
      baseline: null,
      ratio: null,
      goal: `≤ ${RSS_GOAL_MB} MB`,
      met: mb <= RSS_GOAL_MB,
    },
    details: {
      rss_now_mb: round(u.memory.rss / 1024 / 1024),
      heap_used_now_mb: round(u.memory.heapUsed / 1024 / 1024),
      cpu_user_s: round(u.resourceUsage.userCPUTime / 1e6),
      cpu_system_s: round(u.resourceUsage.systemCPUTime / 1e6),
    },
  };
}
