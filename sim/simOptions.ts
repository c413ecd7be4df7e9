import { z } from 'zod';

const probability = z.number().min(0).max(1);
const range = z.tuple([z.number().min(0), z.number().min(0)]);

/**
 * Everything about the simulated gateway that a test or demo may change, at start or at runtime
 * (configure() or POST /__sim/config). Defaults make a pleasant demo: most messages are delivered,
 * many read, some answered, and nothing breaks unless asked to.
 */
export const simOptionsSchema = z.object({
  /**
   * Which gateway it plays. `wsapme`: the real gateway as ../shared/wsapme-dialect.md records it
   * (id under data.key.id, refusals as 200 + success:false, JID senders, acks in several shapes).
   * `seed`: the flat dialect of the seed author's wrapper (top-level messageId, plain phones).
   */
  dialect: z.enum(['wsapme', 'seed']),
  /** When set, /v1 calls without this key in `apiKeyHeader` are refused (wsapme: 200 "Unauthorised Token"; seed: 401). */
  apiKey: z.string().nullable(),
  apiKeyHeader: z.string().min(1),
  /** Refuse every call's token, whatever it is: a revoked or expired token. */
  refuseToken: z.boolean(),
  /** The WhatsApp session behind every device is down: sends are refused, nothing is sent. */
  deviceOffline: z.boolean(),
  /** Only these devices' WhatsApp sessions are down (a pool with one phone gone); the others send. */
  offlineDevices: z.array(z.string()),
  /**
   * Whether status lookups work: `available`, `refused` (200 success:false, as WSAPME's
   * messageInfo answered every caller) or `missing` (404, no such endpoint).
   */
  statusLookup: z.enum(['available', 'refused', 'missing']),
  /** Where status and inbound-message events are POSTed; null sends none. */
  webhookUrl: z.url().nullable(),
  webhookSecret: z.string().nullable(),
  /**
   * How the secret travels: in the path (`<webhookUrl>/<secret>`, the form wablast tells operators
   * to paste), `?token=` on the URL, or a header. null: by dialect — path for wsapme, query for seed.
   */
  webhookSecretIn: z.enum(['path', 'query', 'header']).nullable(),
  /** Retry failed webhooks with backoff for about `webhookRetryMaxMs`. */
  webhookRetry: z.boolean(),
  webhookRetryMaxMs: z.number().int().min(0),
  /** Accepted sends per device per wall-clock second. */
  ratePerSecond: z.number().int().min(1),
  /** getMessageStatus calls per device per wall-clock second (its own budget). */
  statusRatePerSecond: z.number().int().min(1),
  latencyMs: z.number().min(0),
  latencyJitterMs: z.number().min(0),
  deliverProbability: probability,
  /** Of the undelivered, the fraction that end in an ERROR status (the rest stay SERVER_ACK). */
  errorProbability: probability,
  readProbability: probability,
  replyProbability: probability,
  replyWithoutReadProbability: probability,
  stopProbability: probability,
  deliverDelayMs: range,
  readDelayMs: range,
  replyDelayMs: range,
  duplicateWebhookProbability: probability,
  /** Give each webhook a random extra delay up to `reorderMaxMs`, so READ may beat DELIVERY. */
  reorderWebhooks: z.boolean(),
  reorderMaxMs: z.number().min(0),
  /** The DELIVERY webhook is sent, and answered, before the send call itself is answered. */
  earlyAckProbability: probability,
  dropWebhookProbability: probability,
  /**
   * wsapme dialect: per accepted message, the chance that its number also shows up in traffic that
   * is not a reply — a group message, a Status post, our own message echoed back, each saying STOP.
   * It must change nothing.
   */
  noiseProbability: probability,
  invalidNumbers: z.array(z.string()),
  invalidPrefixes: z.array(z.string()),
  /** Numbers ending with this are "not on WhatsApp"; null turns the rule off. */
  notOnWhatsAppSuffix: z.string().nullable(),
  error5xxProbability: probability,
  /** The message is accepted, but the answer is held for `hangMs`: the ambiguous case. */
  timeoutProbability: probability,
  hangMs: z.number().min(0),
  slowProbability: probability,
  slowMs: z.number().min(0),
  seed: z.number().int(),
});

export type SimOptions = z.infer<typeof simOptionsSchema>;

/** Runtime changes, validated, as POST /__sim/config takes them. */
export const simConfigPatchSchema = simOptionsSchema.partial().strict();

export function defaultSimOptions(): SimOptions {
  return {
    dialect: 'wsapme',
    apiKey: null,
    apiKeyHeader: 'x-wsapme-token',
    refuseToken: false,
    deviceOffline: false,
    offlineDevices: [],
    statusLookup: 'available',
    webhookUrl: null,
    webhookSecret: null,
    webhookSecretIn: null,
    webhookRetry: true,
    webhookRetryMaxMs: 60_000,
    ratePerSecond: 50,
    statusRatePerSecond: 50,
    latencyMs: 30,
    latencyJitterMs: 20,
    deliverProbability: 0.95,
    errorProbability: 0.5,
    readProbability: 0.7,
    replyProbability: 0.2,
    replyWithoutReadProbability: 0.05,
    stopProbability: 0.05,
    deliverDelayMs: [200, 1500],
    readDelayMs: [500, 5000],
    replyDelayMs: [1000, 8000],
    duplicateWebhookProbability: 0,
    reorderWebhooks: false,
    reorderMaxMs: 2000,
    earlyAckProbability: 0,
    dropWebhookProbability: 0,
    noiseProbability: 0,
    invalidNumbers: [],
    invalidPrefixes: [],
    notOnWhatsAppSuffix: '0000',
    error5xxProbability: 0,
    timeoutProbability: 0,
    hangMs: 120_000,
    slowProbability: 0,
    slowMs: 3000,
    seed: Date.now() % 2 ** 31,
  };
}
