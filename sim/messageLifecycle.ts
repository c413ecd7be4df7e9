import type { MessageFate } from './messageFate.ts';
import type { SimMessage } from './simMessage.ts';
import type { SimOptions } from './simOptions.ts';
import type { WebhookSender } from './webhookSender.ts';
import { type WireWebhook, wsapmeAck, wsapmeInbound, wsapmeNoise } from './wsapmeWebhooks.ts';

export interface LifecycleDeps {
  /** Read on every use: configure() and reset() replace the options and the PRNG. */
  options: () => SimOptions;
  rng: () => number;
  webhooks: WebhookSender;
  /** An unref'd timer that reset() and close() cancel. */
  later: (ms: number, fn: () => void) => void;
}

/**
 * Plays out a message's fate after acceptance and tells our webhook about each step, with the
 * misbehaviour a WhatsApp-Web gateway shows: dropped, duplicated and reordered events.
 */
export class MessageLifecycle {
  readonly #deps: LifecycleDeps;
  dropped = 0;
  duplicates = 0;
  /** wsapme dialect: webhooks sent that are not about our messages (group, Status, our own echo). */
  noise = 0;

  constructor(deps: LifecycleDeps) {
    this.#deps = deps;
  }

  play(msg: SimMessage, fate: MessageFate): void {
    const { later, options, rng } = this.#deps;
    const o = options();
    // Drawn only when asked for, so runs without noise keep their sequence.
    if (o.dialect === 'wsapme' && o.noiseProbability > 0 && rng() < o.noiseProbability) {
      const wire = wsapmeNoise(msg, rng());
      later(fate.deliverAt + 10, () => {
        this.noise++;
        void this.#emit(wire, false);
      });
    }
    if (!fate.delivered) {
      later(fate.deliverAt, () => {
        msg.status = fate.errorStatus ? 'ERROR' : 'SERVER_ACK';
        if (fate.errorStatus) void this.#emitStatus(msg, false);
      });
      return;
    }
    if (!fate.earlyAck) later(fate.deliverAt, () => void this.markDelivered(msg, false));
    if (fate.readAt !== null) {
      later(fate.readAt, () => {
        msg.read = true;
        msg.status = 'READ_ACK';
        void this.#emitStatus(msg, false);
      });
    }
    const { replyAt, replyText } = fate;
    if (replyAt !== null && replyText !== null) {
      later(replyAt, () => {
        msg.replied = true;
        msg.replyText = replyText;
        if (this.#deps.options().dialect === 'wsapme') {
          void this.#emit(wsapmeInbound(msg, replyText), false);
          return;
        }
        const inbound = { event: 'message', from: msg.to, message: replyText, device: msg.device };
        void this.#emit({ body: { ...inbound, timestamp: nowSeconds() }, form: false }, false);
      });
    }
  }

  /** `immediate` is the early ack: resolves once our webhook answered the first attempt. */
  async markDelivered(msg: SimMessage, immediate: boolean): Promise<void> {
    msg.delivered = true;
    if (msg.status === 'PENDING' || msg.status === 'SERVER_ACK') msg.status = 'DELIVERY_ACK';
    await this.#emitStatus(msg, immediate);
  }

  reset(): void {
    this.dropped = 0;
    this.duplicates = 0;
    this.noise = 0;
  }

  #emitStatus(msg: SimMessage, immediate: boolean): Promise<void> {
    if (this.#deps.options().dialect === 'wsapme') return this.#emit(wsapmeAck(msg), immediate);
    const payload = {
      messageId: msg.messageId,
      status: msg.status,
      messageC2STimestamp: Math.floor(msg.acceptedAt / 1000),
      device: msg.device,
      timestamp: nowSeconds(),
    };
    return this.#emit({ body: payload, form: false }, immediate);
  }

  // Early acks skip the drop and reorder faults: their point is to arrive before the answer.
  async #emit(wire: WireWebhook, immediate: boolean): Promise<void> {
    const { options, rng, webhooks, later } = this.#deps;
    const o = options();
    if (o.webhookUrl === null) return;
    const target = {
      url: o.webhookUrl,
      secret: o.webhookSecret,
      secretIn: o.webhookSecretIn ?? (o.dialect === 'wsapme' ? ('path' as const) : ('query' as const)),
      retry: o.webhookRetry,
      retryMaxMs: o.webhookRetryMaxMs,
    };
    if (!immediate && rng() < o.dropWebhookProbability) {
      this.dropped++;
      return;
    }
    const extra = !immediate && o.reorderWebhooks ? Math.round(rng() * o.reorderMaxMs) : 0;
    if (rng() < o.duplicateWebhookProbability) {
      this.duplicates++;
      later(extra + 50 + Math.round(rng() * 500), () => void webhooks.send(target, wire.body, wire.form));
    }
    if (extra > 0) {
      later(extra, () => void webhooks.send(target, wire.body, wire.form));
      return;
    }
    await webhooks.send(target, wire.body, wire.form);
  }
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
