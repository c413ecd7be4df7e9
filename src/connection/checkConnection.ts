import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import { readLookupState } from '../track/statusLookupState.ts';
import type { Check } from '../gateway/classifyProbe.ts';
import { ENABLE_STATUS_REMINDER, webhookUrl } from '../webhooks/webhookUrl.ts';
import { listDeviceSending, readLastWebhook } from './connectionQueries.ts';
import { type ConnectionReport, buildConnectionReport } from './connectionReport.ts';

/** The two questions put to the gateway (WsapmeClient answers them; the token never leaves it). */
export interface GatewayProbe {
  checkServer(): Promise<Check & { latencyMs: number }>;
  checkToken(device: string): Promise<Check>;
}

export interface ConnectionDeps {
  db: Db;
  config: Config;
  simulator: boolean;
  gateway: GatewayProbe;
  /** PUBLIC_URL or the address the request came to. */
  base: string;
}

/** Every connection check at once: gateway probes and database reads run side by side. */
export async function checkConnection(d: ConnectionDeps): Promise<ConnectionReport> {
  const device = d.config.gateway.device;
  const [server, token, devices, lastWebhook, lookup] = await Promise.all([
    d.gateway.checkServer(),
    // The real gateway refuses every call without a token; the simulator needs none unless told.
    !d.simulator && !d.config.gateway.apiKey
      ? { ok: false, detail: 'no token configured (set WSAPME_API_KEY)' }
      : d.gateway.checkToken(device),
    listDeviceSending(d.db),
    readLastWebhook(d.db),
    readLookupState(d.db),
  ]);
  const secret = d.config.webhookSecret;
  const baseUrl = d.config.gateway.baseUrl;
  return buildConnectionReport({
    simulator: d.simulator,
    gatewayHost: baseUrl ? new URL(baseUrl).host : null,
    server,
    token,
    device,
    devices,
    webhook: {
      configured: Boolean(secret),
      masked: secret ? webhookUrl(d.base, secret).masked : null,
      publicUrlSet: Boolean(d.config.publicUrl),
      reminder: ENABLE_STATUS_REMINDER,
    },
    lastWebhook,
    lookup,
    pollMode: d.config.pollMode,
  });
}
