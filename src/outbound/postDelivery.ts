import { Agent, request } from 'undici';

export type PostResult = { ok: true; statusCode: number } | { ok: false; statusCode: number | null; error: string };

/**
 * POSTs one signed body. Never throws: a non-2xx answer (a redirect included, as Standard Webhooks
 * asks), a timeout or a refused connection is a failed attempt. The error text names the cause,
 * never the URL (it may carry a token) nor the answer's body.
 */
export async function postDelivery(
  agent: Agent,
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<PostResult> {
  try {
    const res = await request(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'user-agent': 'wablast-webhooks', ...headers },
      dispatcher: agent,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      signal: AbortSignal.timeout(timeoutMs * 2),
    });
    await res.body.dump();
    if (res.statusCode >= 200 && res.statusCode < 300) return { ok: true, statusCode: res.statusCode };
    return { ok: false, statusCode: res.statusCode, error: `HTTP ${res.statusCode}` };
  } catch (err) {
    const e = err as Error & { code?: string };
    return { ok: false, statusCode: null, error: (e.code ?? e.name ?? 'error').slice(0, 100) };
  }
}

export function deliveryAgent(timeoutMs: number): Agent {
  return new Agent({ connections: 8, connect: { timeout: Math.min(timeoutMs, 5000) }, keepAliveTimeout: 4_000 });
}
