import { ApiError } from './apiError.ts';

/** What a person reads for the API's error codes (and instead of its words for the ones that could name internals). */
const FRIENDLY: Record<string, string> = {
  unauthorized: 'You are signed out. Please sign in again.',
  not_found: 'That no longer exists. It may have been deleted.',
  invalid_state: 'That action is not possible in the current state.',
  payload_too_large: 'That is too much data for one request. Try a smaller file.',
  too_many_recipients: 'Too many recipients for one blast.',
  rate_limited: 'Too many requests right now. Wait a moment and try again.',
  internal: 'Something went wrong on the server. Try again in a moment.',
  database_unavailable: 'The database is not reachable right now. Try again in a moment.',
  timeout: 'The server took too long to answer. Try again.',
};

/** Listeners told when any call answers 401, so the app can show the sign-in screen. */
const unauthorizedListeners = new Set<() => void>();
export function onUnauthorized(fn: () => void): () => void {
  unauthorizedListeners.add(fn);
  return () => unauthorizedListeners.delete(fn);
}

/**
 * One call to the API, as the signed-in dashboard (same-origin cookie): the parsed JSON answer, or an
 * ApiError in words a person can read. A 401 tells the onUnauthorized listeners.
 */
export async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      // A FormData body sets its own multipart content type (with the boundary).
      headers:
        body === undefined || body instanceof FormData
          ? { accept: 'application/json' }
          : { accept: 'application/json', 'content-type': 'application/json' },
      body: body === undefined ? undefined : body instanceof FormData ? body : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'network', 'Cannot reach the wablast server. Check that it is running and try again.');
  }
  if (res.ok) {
    if (res.status === 204) return undefined as T;
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }
  let code = `http_${res.status}`;
  let message = '';
  let details: unknown;
  try {
    const json = (await res.json()) as { error?: { code?: string; message?: string; details?: unknown } };
    code = json.error?.code ?? code;
    message = json.error?.message ?? '';
    details = json.error?.details;
  } catch {
    // not JSON: keep the generic message
  }
  if (res.status === 401 && path !== '/api/session') for (const fn of unauthorizedListeners) fn();
  const friendly = FRIENDLY[code];
  if (!message || (friendly && ['unauthorized', 'internal', 'database_unavailable'].includes(code))) {
    message = friendly ?? `The server answered with an error (${res.status}).`;
  }
  throw new ApiError(res.status, code, message, details);
}
