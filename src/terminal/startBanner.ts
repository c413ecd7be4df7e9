export interface BannerFacts {
  version: string;
  /** Where this process listens ('' when it does not: an engine-only process without PORT). */
  url: string;
  /** PUBLIC_URL when set: the address people and the gateway use. */
  publicUrl: string | undefined;
  role: 'all' | 'api' | 'engine';
  simulator: boolean;
  /** The gateway's base URL when real. */
  gatewayUrl: string | undefined;
  database: 'pglite' | 'postgres';
  dataDir: string;
  /** The webhook URL to paste into WSAPME, secret masked; null without a secret or with the simulator. */
  webhookUrlMasked: string | null;
}

/**
 * What a person starting `wablast serve` on a terminal needs first, as plain lines: where the
 * dashboard and the API docs are, whether messages really go out, and where the data lives.
 */
export function startBanner(f: BannerFacts): string {
  const base = (f.publicUrl ?? f.url).replace(/\/$/, '');
  const rows: Array<[string, string]> = [];
  if (base && f.role !== 'engine') {
    rows.push(['Dashboard', `${base}/`]);
    rows.push(['API docs', `${base}/docs`]);
  } else if (base) {
    rows.push(['Health', `${base}/healthz`]);
  } else {
    rows.push(['HTTP', 'not listening (ROLE=engine without PORT)']);
  }
  if (f.publicUrl && f.url && f.url !== f.publicUrl) rows.push(['Listening on', f.url]);
  rows.push([
    'Gateway',
    f.simulator
      ? 'SIMULATOR — no real WhatsApp message is sent (set WSAPME_BASE_URL for the real gateway)'
      : `WSAPME at ${f.gatewayUrl ?? '?'}`,
  ]);
  rows.push([
    'Database',
    f.database === 'pglite'
      ? f.dataDir.startsWith('memory://')
        ? 'embedded PGlite, in memory (nothing is kept)'
        : `embedded PGlite in ${f.dataDir}`
      : 'PostgreSQL (DATABASE_URL)',
  ]);
  if (f.role !== 'all') rows.push(['Role', f.role === 'api' ? 'api (no sending in this process)' : 'engine (sending only)']);
  if (f.webhookUrlMasked) rows.push(['Webhook URL', `${f.webhookUrlMasked}  (full: GET /api/webhook-url?reveal=true)`]);
  const width = Math.max(...rows.map(([k]) => k.length));
  return [`wablast ${f.version} is running`, ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`), '  Stop with Ctrl-C.', ''].join('\n');
}
