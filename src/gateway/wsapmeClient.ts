import { Pool } from 'undici';
import { classify, type GatewayResult, type SendOutcome, type StatusOutcome } from './classify.ts';

export interface WsapmeClientOptions {
  baseUrl: string;
  apiKey?: string | undefined;
  /** Header carrying the API key, e.g. 'x-api-key'. */
  apiKeyHeader: string;
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
    const result = await this.#post('/v1/getMessageStatus', {
      device: req.device,
      messageId: req.messageId,
    });
    return this.#scrub(classify('status', result, this.#now()));
  }

  async close(): Promise<void> {
    await this.#pool.close();
  }

  async #post(path: string, payload: unknown): Promise<GatewayResult> {
    try {
      const res = await this.#pool.request({
        method: 'POST',
        path: this.#pathPrefix + path,
        headers: this.#headers,
        body: JSON.stringify(payload),
        signal: AbortSignal.timeout(this.#overallTimeoutMs),
      });
      const text = await res.body.text();
      return { type: 'response', statusCode: res.statusCode, headers: res.headers, body: parseBody(text) };
    } catch (err) {
      return toErrorResult(err);
    }
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
