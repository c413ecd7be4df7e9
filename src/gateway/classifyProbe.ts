import { AUTH_TEXT, type GatewayResult, bodyReason, describeError } from './classify.ts';

/** One line of the connection check: ok, a problem (false), or not known (null), and why. */
export interface Check {
  ok: boolean | null;
  detail: string;
}

/** What a probe call brought back, with how long it took. */
export interface ProbeResult {
  result: GatewayResult;
  latencyMs: number;
}

const succeeded = (body: unknown): boolean | null => {
  if (body === null || typeof body !== 'object') return null;
  const flag = (body as Record<string, unknown>).success;
  return typeof flag === 'boolean' ? flag : null;
};

const namesToken = (statusCode: number, text: string | null): boolean =>
  statusCode === 401 || statusCode === 403 || (text !== null && AUTH_TEXT.test(text));

/**
 * `GET /v1/server`: is the gateway there at all. Any HTTP answer below 500 means it is reachable
 * (public code uses a 200 from it as the health check); a network error or a 5xx means it is not.
 */
export function classifyServerProbe({ result, latencyMs }: ProbeResult): Check {
  if (result.type === 'error') return { ok: false, detail: `not reachable: ${describeError(result)}` };
  const { statusCode, body } = result;
  const text = bodyReason(body);
  const said = text === null ? '' : `: ${text}`;
  if (statusCode >= 500) return { ok: false, detail: `answered HTTP ${statusCode}${said} (${latencyMs} ms)` };
  return { ok: true, detail: `answered HTTP ${statusCode}${said} in ${latencyMs} ms` };
}

/**
 * Whether the gateway takes our token. The fact sheet documents a refused token as HTTP 200
 * `{"success":false,"message":"Unauthorised Token"}` and nothing else about `/v1/info`'s answer,
 * so only a refusal that names the token is a "no", only `success:true` is a "yes", and anything
 * else is unknown, with the gateway's own words.
 */
export function classifyTokenProbe({ result }: ProbeResult): Check {
  if (result.type === 'error') return { ok: null, detail: `could not ask the gateway: ${describeError(result)}` };
  const { statusCode, body } = result;
  const text = bodyReason(body);
  const flag = succeeded(body);
  if ((flag === false || statusCode >= 400) && namesToken(statusCode, text)) {
    return { ok: false, detail: `refused: ${text ?? `HTTP ${statusCode}`}` };
  }
  if (flag === true && statusCode >= 200 && statusCode < 300) return { ok: true, detail: 'accepted (POST /v1/info answered success:true)' };
  const words = text === null ? `HTTP ${statusCode}` : `HTTP ${statusCode}: ${text}`;
  return { ok: null, detail: `unclear answer from POST /v1/info (${words})` };
}
