import { Pool } from 'undici';
import { classify, type GatewayResult, type SendOutcome, type StatusOutcome } from './classify.ts';
import { type Check, type ProbeResult, classifyServerProbe, classifyTokenProbe } from './classifyProbe.ts';

/** A probe is a question from a person waiting at a page: it must answer within seconds. */
const PROBE_TIMEOUT_MS = 5_000;

export interface WsapmeClientOptions {
  baseUrl: string;
  apiKey?: string | undefined;
  /** Header carrying the token; WSAPME reads 'x-wsapme-token'. */
  apiKeyHeader: string;
  /** Status lookup path (default /v1/getMessageStatus) and JSON body template (see statusLookupBody). */
  statusPath?: string | undefined;
  statusBody?: string | undefined;
  /** Longest wait for the gateway's answer once the request is on the wire. */
  timeoutMs: number;
  /** Keep-alive connections to the gateway (default 10). */
  connections?: number | undefined;
  /** Longest wait for the TCP/TLS connection (default min(timeoutMs, 5000)). */
  connectTimeoutMs?: number | undefined;
  /** Injected clock, only used to read HTTP-date Retry-After headers. */
  now?: (() => number) | undefined;
}

export interface SendMessageRequest {
  device: string;
  to: string;
  message: string;
}

export interface MessageStatusRequest {
  device: string;
  messageId: string;
  /** E.164 of the recipient, for templates that want {phone} or {jid}. */
  phone?: string | undefined;
}

export const DEFAULT_STATUS_BODY = '{"device":"{device}","messageId":"{messageId}"}';

/**
 * The lookup body from its template: every string value of the JSON template has {device},
 * {messageId}, {phone} (digits only) and {jid} (<digits>@s.whatsapp.net) filled in.
 */
export function statusLookupBody(template: string, req: MessageStatusRequest): unknown {
  const digits = (req.phone ?? '').replace(/\D/g, '');
  const values: Record<string, string> = { device: req.device, messageId: req.messageId, phone: digits, jid: `${digits}@s.whatsapp.net` };
  const fill = (v: unknown): unknown => {
    if (typeof v === 'string') return v.replace(/\{(device|messageId|phone|jid)\}/g, (_, k: string) => values[k]!);
    if (Array.isArray(v)) return v.map(fill);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fill(x)]));
    return v;
  };
  return fill(JSON.parse(template));
}

/**
 * HTTP client for the WSAPME gateway. It never throws for gateway or network trouble: every call
 * resolves to a classified outcome, so the engine decides with a switch, not a try/catch.
 */
export class WsapmeClient {
  readonly #pool: Pool;
  readonly #pathPrefix: string;
  readonly #headers: Record<string, string>;
  readonly #apiKey: string | undefined;
  readonly #overallTimeoutMs: number;
  readonly #now: () => number;
  readonly #statusPath: string;
  readonly #statusBody: string;

  constructor(options: WsapmeClientOptions) {
    const url = new URL(options.baseUrl);
    const connectTimeout = options.connectTimeoutMs ?? Math.min(options.timeoutMs, 5000);
    this.#pool = new Pool(url.origin, {
      connections: options.connections ?? 10,
      connect: { timeout: connectTimeout },
      // Headers/body timeouts start once the request is written, so they mean "ambiguous".
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      keepAliveTimeout: 4_000,
    });
    this.#pathPrefix = url.pathname.replace(/\/+$/, '');
    this.#apiKey = options.apiKey === '' ? undefined : options.apiKey;
    this.#headers = { 'content-type': 'application/json', accept: 'application/json' };
    if (this.#apiKey !== undefined) this.#headers[options.apiKeyHeader.toLowerCase()] = this.#apiKey;
    // A backstop for time spent queued behind other requests or trickling a body: it cannot tell
    // whether the request was written, so what it cuts short is reported as ambiguous.
    this.#overallTimeoutMs = connectTimeout + 2 * options.timeoutMs + 1000;
    this.#now = options.now ?? Date.now;
    this.#statusPath = options.statusPath ?? '/v1/getMessageStatus';
    this.#statusBody = options.statusBody ?? DEFAULT_STATUS_BODY;
  }

  async sendMessage(req: SendMessageRequest): Promise<SendOutcome> {
    const result = await this.#post('/v1/sendMessage2', {
      device: req.device,
      to: req.to,
      message: req.message,
    });
    return this.#scrub(classify('send', result, this.#now()));
  }

  async getMessageStatus(req: MessageStatusRequest): Promise<StatusOutcome> {
    const result = await this.#post(this.#statusPath, statusLookupBody(this.#statusBody, req));
    return this.#scrub(classify('status', result, this.#now()));
  }

  /** `GET /v1/server` with the token: is the gateway reachable (and how fast). */
  async checkServer(): Promise<Check & { latencyMs: number }> {
    const probe = await this.#probe('GET', '/v1/server');
    return { ...this.#scrubCheck(classifyServerProbe(probe)), latencyMs: probe.latencyMs };
  }

  /** `POST /v1/info {device}`: does the gateway take our token. */
  async checkToken(device: string): Promise<Check> {
    return this.#scrubCheck(classifyTokenProbe(await this.#probe('POST', '/v1/info', { device })));
  }

  async close(): Promise<void> {
    await this.#pool.close();
  }

  async #probe(method: 'GET' | 'POST', path: string, payload?: unknown): Promise<ProbeResult> {
    const started = performance.now();
    const result = await this.#request(method, path, payload, PROBE_TIMEOUT_MS);
    return { result, latencyMs: Math.round(performance.now() - started) };
  }

  #post(path: string, payload: unknown): Promise<GatewayResult> {
    return this.#request('POST', path, payload, this.#overallTimeoutMs);
  }

  async #request(method: 'GET' | 'POST', path: string, payload: unknown, timeoutMs: number): Promise<GatewayResult> {
    try {
      const res = await this.#pool.request({
        method,
        path: this.#pathPrefix + path,
        headers: this.#headers,
        ...(payload !== undefined && { body: JSON.stringify(payload) }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await res.body.text();
      return { type: 'response', statusCode: res.statusCode, headers: res.headers, body: parseBody(text) };
    } catch (err) {
      return toErrorResult(err);
    }
  }

  #scrubCheck<T extends Check>(check: T): T {
    const key = this.#apiKey;
    return key === undefined || !check.detail.includes(key) ? check : { ...check, detail: check.detail.split(key).join('[redacted]') };
  }

  /** Gateways sometimes echo the request back in error bodies; the key must never reach a log. */
  #scrub<T extends SendOutcome | StatusOutcome>(outcome: T): T {
    const key = this.#apiKey;
    if (key === undefined || !('reason' in outcome) || !outcome.reason.includes(key)) return outcome;
    return { ...outcome, reason: outcome.reason.split(key).join('[redacted]') };
  }
}

function parseBody(text: string): unknown {
  if (text.trim() === '') return '';
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function toErrorResult(err: unknown): GatewayResult {
  const e = err as { code?: unknown; name?: unknown; message?: unknown; cause?: { code?: unknown } };
  // fetch-style errors hide the system error (ECONNREFUSED, ...) in `cause`.
  const raw = typeof e?.code === 'string' ? e.code : e?.cause?.code;
  const code = typeof raw === 'string' ? raw : undefined;
  return {
    type: 'error',
    code,
    name: typeof e?.name === 'string' ? e.name : undefined,
    message: typeof e?.message === 'string' ? e.message : String(err),
  };
}
