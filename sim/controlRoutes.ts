import type { IncomingMessage, ServerResponse } from 'node:http';
import { readJson, sendJson } from './httpJson.ts';
import { simConfigPatchSchema } from './simOptions.ts';
import type { WsapmeSimulator } from './simulator.ts';

/**
 * The /__sim/* endpoints: the same controls as the WsapmeSimulator methods, over HTTP, so a test
 * or benchmark in another process can steer the simulator and read its tally.
 */
export async function handleControl(sim: WsapmeSimulator, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  const route = `${req.method ?? 'GET'} ${path}`;
  switch (route) {
    case 'GET /__sim/tally':
      return sendJson(res, 200, sim.tally());
    case 'GET /__sim/stats':
      return sendJson(res, 200, sim.stats());
    case 'GET /__sim/messages':
      return sendJson(res, 200, sim.messages());
    case 'GET /__sim/config':
      return sendJson(res, 200, sim.options);
    case 'POST /__sim/config': {
      const parsed = simConfigPatchSchema.safeParse((await readJson(req)) ?? {});
      if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message }));
        return sendJson(res, 400, { error: 'invalid config', issues });
      }
      sim.configure(parsed.data as Parameters<WsapmeSimulator['configure']>[0]);
      return sendJson(res, 200, sim.options);
    }
    case 'POST /__sim/reset':
      sim.reset();
      return sendJson(res, 200, { ok: true });
    default:
      return sendJson(res, 404, { error: 'not found' });
  }
}
