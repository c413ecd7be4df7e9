import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { z } from 'zod';
import { silentLogger } from '../src/log.ts';
import { handleControl } from './controlRoutes.ts';
import { accepted, canonicalRecipient, LOOKUP_REFUSED, refusal, type Refusal, type SimAnswer, statusAnswer } from './dialectAnswers.ts';
import { DeviceWindows } from './deviceWindows.ts';
import { readJson, sendJson } from './httpJson.ts';
import { drawMessageFate } from './messageFate.ts';
import { MessageLifecycle } from './messageLifecycle.ts';
import { mulberry32 } from '../src/domain/mulberry32.ts';
import type { SimMessage } from './simMessage.ts';
import { defaultSimOptions, simOptionsSchema, type SimOptions } from './simOptions.ts';
import { WebhookSender } from './webhookSender.ts';

export type { SimOptions };

export type SimStartOptions = { [K in keyof SimOptions]?: SimOptions[K] | undefined } & {
  port?: number;
  host?: string;
  logger?: Logger;
  /**
   * The gateway's clock for its per-second rate windows and the time it accepts a message at
   * (default Date.now): a test pins it to put a burst in one window whatever the machine's speed.
   */
  now?: () => number;
};

export type { SimMessage };

export interface SimStats {
  accepted: number;
  rejected429: number;
  errors5xx: number;
  timeouts: number;
  invalid: number;
  authFailures: number;
  webhooksSent: number;
  webhooksFailed: number;
  webhookAttempts: number;
  webhooksDropped: number;
  webhookDuplicates: number;
  /** Most accepted in one wall-clock second, per device. */
  peakPerDevicePerSecond: Record<string, number>;
  /** Most accepted in any 1000 ms span, per device: the stricter pacing check. */
  peakPerDevicePerSlidingSecond: Record<string, number>;
  statusCalls: number;
  statusRejected429: number;
  /** Sends refused because the device was switched offline. */
  deviceOffline: number;
  /** Status lookups refused (200 success:false) or missing (404) by the lookup switch. */
  statusRefused: number;
  /**
   * What is still to come: phone events not yet played out (deliveries, reads, replies, duplicate
   * and reordered webhooks) and webhooks in flight or waiting to be retried. 0 once the simulator
   * has nothing more to tell our webhook: a test waits for that instead of a quiet spell.
   */
  eventsPending: number;
}

type Counter = Exclude<keyof SimStats, `webhooks${string}` | `webhook${string}` | `peak${string}` | 'eventsPending'>;

const sendBody = z.object({
  device: z.union([z.string().min(1), z.number()]).transform(String),
  to: z.string().min(1),
  message: z.string(),
});
const statusBody = z.object({
  device: z.union([z.string().min(1), z.number()]).transform(String),
  messageId: z.string().min(1),
});

/**
 * A WSAPME gateway in a box: a real HTTP server that accepts sends under a per-device rate limit,
 * plays out delivery, reading and replies with webhooks, and misbehaves on demand. It counts every
 * message it accepted per phone number, which is how tests prove "sent exactly once".
 */
export class WsapmeSimulator {
  readonly #server: Server;
  readonly #log: Logger;
  readonly #webhooks: WebhookSender;
  readonly #lifecycle: MessageLifecycle;
  readonly #messages = new Map<string, SimMessage>();
  readonly #tally = new Map<string, number>();
  readonly #sendWindows = new DeviceWindows();
  readonly #statusWindows = new DeviceWindows();
  // Lifecycle timers die on reset(); request timers (latency, held answers) only on close().
  readonly #lifecycleTimers = new Set<NodeJS.Timeout>();
  readonly #requestTimers = new Set<NodeJS.Timeout>();
  readonly #now: () => number;
  #options: SimOptions;
  #rng: () => number;
  #counters = emptyCounters();
  #url = '';

  private constructor(options: SimOptions, log: Logger, now: () => number) {
    this.#options = options;
    this.#log = log;
    this.#now = now;
    this.#rng = mulberry32(options.seed);
    this.#webhooks = new WebhookSender(log);
    this.#lifecycle = new MessageLifecycle({
      options: () => this.#options,
      rng: () => this.#rng(),
      webhooks: this.#webhooks,
      later: (ms, fn) => this.#timer(this.#lifecycleTimers, ms, fn),
    });
    this.#server = createServer((req, res) => void this.#handle(req, res));
  }

  static async start(opts: SimStartOptions = {}): Promise<WsapmeSimulator> {
    const { port = 0, host = '127.0.0.1', logger = silentLogger, now = Date.now, ...rest } = opts;
    const given = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
    const sim = new WsapmeSimulator(simOptionsSchema.parse({ ...defaultSimOptions(), ...given }), logger, now);
    await new Promise<void>((resolve, reject) => {
      sim.#server.once('error', reject);
      sim.#server.listen(port, host, () => resolve());
    });
    const addr = sim.#server.address() as AddressInfo;
    sim.#url = `http://${addr.address}:${addr.port}`;
    return sim;
  }

  /** Base URL, e.g. http://127.0.0.1:4010 (no trailing slash). */
  get url(): string {
    return this.#url;
  }

  get options(): SimOptions {
    return structuredClone(this.#options);
  }

  /** Changes options at runtime; throws a ZodError when the result is invalid. */
  configure(patch: Partial<SimOptions>): void {
    const next = simOptionsSchema.parse({ ...this.#options, ...patch });
    if (next.seed !== this.#options.seed) this.#rng = mulberry32(next.seed);
    this.#options = next;
  }

  tally(): Record<string, number> {
    return Object.fromEntries(this.#tally);
  }

  messages(): SimMessage[] {
    return [...this.#messages.values()].map((m) => ({ ...m }));
  }

  /** Calls `fn` with each webhook's payload and the time (ms) its first attempt started; null stops. */
  onWebhookPost(fn: ((payload: unknown, at: number) => void) | null): void {
    this.#webhooks.onPost = fn;
  }

  stats(): SimStats {
    const w = this.#webhooks.counts();
    return {
      ...this.#counters,
      webhooksSent: w.sent,
      webhooksFailed: w.failed,
      webhookAttempts: w.attempts,
      webhooksDropped: this.#lifecycle.dropped,
      webhookDuplicates: this.#lifecycle.duplicates,
      peakPerDevicePerSecond: this.#sendWindows.peaks(),
      peakPerDevicePerSlidingSecond: this.#sendWindows.slidingPeaks(),
      eventsPending: this.#lifecycleTimers.size + this.#webhooks.pending(),
    };
  }

  /** Forgets all messages, counts and pending events, and restarts the PRNG from the seed. */
  reset(): void {
    for (const t of this.#lifecycleTimers) clearTimeout(t);
    this.#lifecycleTimers.clear();
    this.#webhooks.reset();
    this.#messages.clear();
    this.#tally.clear();
    this.#sendWindows.reset();
    this.#statusWindows.reset();
    this.#counters = emptyCounters();
    this.#lifecycle.reset();
    this.#rng = mulberry32(this.#options.seed);
  }

  async close(): Promise<void> {
    this.reset();
    for (const t of this.#requestTimers) clearTimeout(t);
    this.#requestTimers.clear();
    await this.#webhooks.close();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://sim').pathname;
    try {
      if (path.startsWith('/__sim/')) {
        await handleControl(this, req, res, path);
        return;
      }
      const isSend = path === '/v1/sendMessage2';
      const isProbe = (req.method === 'GET' && path === '/v1/server') || (req.method === 'POST' && path === '/v1/info');
      if (!isProbe && (req.method !== 'POST' || (!isSend && path !== '/v1/getMessageStatus'))) {
        sendJson(res, 404, { error: 'not found' });
        return;
      }
      const { apiKey, apiKeyHeader, refuseToken } = this.#options;
      if (refuseToken || (apiKey !== null && req.headers[apiKeyHeader.toLowerCase()] !== apiKey)) {
        this.#count('authFailures');
        this.#answer(res, this.#refusal('token'));
        return;
      }
      const body = req.method === 'GET' ? undefined : await readJson(req);
      if (isProbe) {
        // The fact sheet knows /v1/server answers 200 when up and that /v1/info exists; the fields are ours.
        const asked = (body as { device?: unknown } | undefined)?.device;
        const offline = this.#options.deviceOffline || (asked !== undefined && this.#options.offlineDevices.includes(String(asked)));
        sendJson(
          res,
          200,
          path === '/v1/server'
            ? { success: true, message: 'Server is running' }
            : {
                success: true,
                data: {
                  device: (body as { device?: unknown } | undefined)?.device ?? null,
                  status: offline ? 'disconnected' : 'connected',
                },
              },
        );
        return;
      }
      await (isSend ? this.#send(body, res) : this.#status(body, res));
    } catch (err) {
      this.#log.error({ err }, 'simulator request failed');
      sendJson(res, 500, { error: 'simulator error' });
    }
  }

  async #send(body: unknown, res: ServerResponse): Promise<void> {
    const parsed = sendBody.safeParse(body);
    if (!parsed.success) {
      this.#answer(res, this.#refusal('bad_request'));
      return;
    }
    const { device, message } = parsed.data;
    const to = canonicalRecipient(parsed.data.to);
    await this.#latency();
    const o = this.#options;
    const now = this.#now();
    if (this.#rateLimited(this.#sendWindows, device, o.ratePerSecond, now, res, 'rejected429')) return;
    if (this.#rng() < o.error5xxProbability) {
      this.#count('errors5xx');
      sendJson(res, 500, { error: 'internal server error' });
      return;
    }
    if (o.deviceOffline || o.offlineDevices.includes(device)) {
      this.#count('deviceOffline');
      this.#answer(res, this.#refusal('device_offline'));
      return;
    }
    const invalid = this.#invalidReason(to);
    if (invalid !== null) {
      this.#count('invalid');
      this.#answer(res, this.#refusal(invalid));
      return;
    }
    const msg = this.#accept(device, to, message, now);
    const fate = drawMessageFate(this.#rng, o);
    const hang = this.#rng() < o.timeoutProbability;
    const slow = this.#rng() < o.slowProbability;
    this.#lifecycle.play(msg, fate);
    // The gateway acks to our webhook and only then answers the send call.
    if (fate.earlyAck) await this.#lifecycle.markDelivered(msg, true);
    const answer = accepted(o.dialect, msg);
    if (hang) {
      this.#count('timeouts');
      this.#requestTimer(o.hangMs, () => this.#answer(res, answer));
      return;
    }
    if (slow) await this.#sleep(o.slowMs);
    this.#answer(res, answer);
  }

  async #status(body: unknown, res: ServerResponse): Promise<void> {
    const parsed = statusBody.safeParse(body);
    if (!parsed.success) {
      sendJson(res, 400, { error: 'device and messageId are required' });
      return;
    }
    const { device, messageId } = parsed.data;
    await this.#latency();
    const o = this.#options;
    const now = this.#now();
    if (this.#rateLimited(this.#statusWindows, device, o.statusRatePerSecond, now, res, 'statusRejected429')) {
      return;
    }
    this.#statusWindows.record(device, now);
    this.#count('statusCalls');
    if (o.statusLookup !== 'available') {
      this.#count('statusRefused');
      this.#answer(res, o.statusLookup === 'refused' ? LOOKUP_REFUSED : { status: 404, body: { error: 'not found' } });
      return;
    }
    const found = this.#messages.get(messageId);
    const msg = found?.device === device ? found : undefined;
    if (msg) msg.statusCalls++;
    this.#answer(res, statusAnswer(o.dialect, msg, messageId));
  }

  #refusal(why: Refusal): SimAnswer {
    return refusal(this.#options.dialect, why);
  }

  #answer(res: ServerResponse, a: SimAnswer): void {
    sendJson(res, a.status, a.body);
  }

  #rateLimited(windows: DeviceWindows, device: string, limit: number, now: number, res: ServerResponse, counter: Counter): boolean {
    const wait = windows.waitMs(device, limit, now);
    if (wait <= 0) return false;
    this.#count(counter);
    sendJson(res, 429, { error: 'rate limited', retry_after_ms: wait }, { 'retry-after': String(Math.max(1, Math.ceil(wait / 1000))) });
    return true;
  }

  #invalidReason(to: string): Refusal | null {
    const o = this.#options;
    if (to.endsWith('@g.us')) return null;
    if (!/^\+?\d{6,15}$/.test(to)) return 'invalid_number';
    if (o.invalidNumbers.includes(to) || o.invalidPrefixes.some((p) => to.startsWith(p))) {
      return 'invalid_number';
    }
    if (o.notOnWhatsAppSuffix && to.endsWith(o.notOnWhatsAppSuffix)) return 'not_on_whatsapp';
    return null;
  }

  #accept(device: string, to: string, text: string, now: number): SimMessage {
    let messageId = this.#newId();
    while (this.#messages.has(messageId)) messageId = this.#newId();
    const msg: SimMessage = {
      messageId,
      device,
      to,
      text,
      acceptedAt: now,
      status: 'PENDING',
      delivered: false,
      read: false,
      replied: false,
      replyText: null,
      statusCalls: 0,
    };
    this.#messages.set(messageId, msg);
    this.#tally.set(to, (this.#tally.get(to) ?? 0) + 1);
    this.#sendWindows.record(device, now);
    this.#count('accepted');
    return msg;
  }

  #newId(): string {
    let hex = '';
    for (let i = 0; i < 4; i++)
      hex += Math.floor(this.#rng() * 0x10000)
        .toString(16)
        .padStart(4, '0');
    return `3EB0${hex.toUpperCase()}`;
  }

  async #latency(): Promise<void> {
    const ms = this.#options.latencyMs + this.#rng() * this.#options.latencyJitterMs;
    if (ms > 0) await this.#sleep(ms);
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.#requestTimer(ms, resolve));
  }

  #requestTimer(ms: number, fn: () => void): void {
    this.#timer(this.#requestTimers, ms, fn);
  }

  #timer(set: Set<NodeJS.Timeout>, ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      set.delete(t);
      try {
        fn();
      } catch (err) {
        this.#log.error({ err }, 'simulator timer failed');
      }
    }, ms);
    t.unref();
    set.add(t);
  }

  #count(counter: Counter): void {
    this.#counters[counter]++;
  }
}

function emptyCounters(): Record<Counter, number> {
  return {
    accepted: 0,
    rejected429: 0,
    errors5xx: 0,
    timeouts: 0,
    invalid: 0,
    authFailures: 0,
    statusCalls: 0,
    statusRejected429: 0,
    deviceOffline: 0,
    statusRefused: 0,
  };
}
