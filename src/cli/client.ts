import { Agent, type Dispatcher, FormData, fetch } from 'undici';

/** The options every client command takes (set on the root command, read with optsWithGlobals). */
export interface GlobalOptions {
  url: string;
  token?: string | undefined;
  json?: boolean | undefined;
  /** The time zone times are shown in (default: this machine's). */
  tz?: string | undefined;
}

/** A failure to show as `error: <message>` (exit 1), never with a stack. */
export class CliError extends Error {
  override readonly name = 'CliError';
}

/** An error answered by the API: `{error: {code, message, details?}}`. */
export class ApiError extends CliError {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export interface RequestOptions {
  /** A JSON body. */
  json?: unknown;
  /** A multipart body (CSV upload). */
  form?: FormData;
  query?: Record<string, string | number | undefined>;
  /** No client-side timeout: for `?wait=true`, which the server holds open until the blast finishes. */
  noTimeout?: boolean;
}

// Keeps waiting on a long `send --wait`; the server answers 504 itself after its own limit.
let patient: Agent | undefined;

/** A thin client of the wablast HTTP API (README "The seed's flow with curl"). */
export class ApiClient {
  readonly base: string;

  constructor(private readonly opts: GlobalOptions) {
    let url: URL;
    try {
      url = new URL(opts.url);
    } catch {
      throw new CliError(`--url is not a URL: ${opts.url}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CliError(`--url must be http or https: ${opts.url}`);
    this.base = opts.url.replace(/\/+$/, '');
  }

  async json<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const res = await this.send(method, path, options);
    const text = await res.text();
    try {
      return (text ? JSON.parse(text) : undefined) as T;
    } catch {
      throw new CliError(`${method} ${path}: the server answered ${res.status} with something that is not JSON`);
    }
  }

  /** The raw successful response, for bodies that are not JSON (CSV export). */
  async raw(method: string, path: string, options: RequestOptions = {}): Promise<Awaited<ReturnType<typeof fetch>>> {
    return this.send(method, path, options);
  }

  private async send(method: string, path: string, options: RequestOptions): Promise<Awaited<ReturnType<typeof fetch>>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.opts.token) headers.authorization = `Bearer ${this.opts.token}`;
    let body: string | FormData | undefined;
    if (options.form) body = options.form;
    else if (options.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    }
    const url = `${this.base}${path}${queryString(options.query)}`;
    let res: Awaited<ReturnType<typeof fetch>>;
    try {
      if (options.noTimeout) patient ??= new Agent({ headersTimeout: 0, bodyTimeout: 0 });
      const dispatcher: Dispatcher | undefined = options.noTimeout ? patient : undefined;
      res = await fetch(url, { method, headers, body, ...(dispatcher ? { dispatcher } : {}) });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code ?? cause?.message ?? (err as Error).message;
      throw new CliError(`cannot reach wablast at ${this.base} (${why})`);
    }
    if (res.ok) return res;
    const text = await res.text().catch(() => '');
    let code = `http_${res.status}`;
    let message = `the server answered ${res.status} ${res.statusText}`.trim();
    let details: unknown;
    try {
      const parsed = JSON.parse(text) as { error?: { code?: string; message?: string; details?: unknown } };
      if (parsed.error?.message) message = parsed.error.message;
      if (parsed.error?.code) code = parsed.error.code;
      details = parsed.error?.details;
    } catch {
      // not JSON (a proxy's error page): keep the status line
    }
    if (res.status === 401 && !this.opts.token) message += ' (pass --token or set API_TOKEN)';
    throw new ApiError(res.status, code, message, details);
  }
}

function queryString(params: Record<string, string | number | undefined> | undefined): string {
  if (!params) return '';
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

export { FormData };
