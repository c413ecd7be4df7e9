import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Ack, type AckStyle, BAILEYS, ackBody, incomingBody, noStatusBody, senderJid } from './factSheetShapes.ts';
import { WebhookPoster } from './webhookPoster.ts';

/**
 * A WSAPME gateway written by an outsider from ../shared/wsapme-dialect.md alone: what the real
 * one answers (HTTP 200 everywhere, `success:false` refusals, the message id under `data.key.id`)
 * and what it posts (Baileys acks, incoming messages from JIDs). It keeps its own tally, so a test
 * can hold wablast to what the gateway really did.
 */

/** What the person behind one number does once the message reaches them (the test decides). */
export interface Person {
  serverAck?: boolean;
  deliver?: AckStyle;
  read?: { style: AckStyle; status: 4 | 5; name?: 'READ' | 'READ_ACK' };
  /** The read receipt arrives before the delivery receipt. */
  readFirst?: boolean;
  reply?: { text: string; jid: 'c.us' | 's.whatsapp.net' | 'device'; form?: boolean };
  /** After delivery: chatter in a group whose id carries this number, and a Status post. */
  chatter?: boolean;
  /** A message event without any status field. */
  noStatus?: boolean;
}

export interface Attempt {
  at: number;
  digits: string | null;
  outcome: 'accepted' | 'token' | 'offline' | 'device' | 'bad';
}

export interface Tally {
  attempts: Attempt[];
  /** E.164 → every send the gateway accepted for it. */
  accepted: Map<string, Array<{ id: string; text: string }>>;
  /** Message id → the Baileys statuses posted for it (only bodies answered 2xx count). */
  acks: Map<string, number[]>;
  /** E.164 → the replies posted from it (answered 2xx), in order. */
  replies: Map<string, string[]>;
  /** Group and Status messages posted. */
  chatter: Array<{ from: string; text: string }>;
  lookups: number;
}

export interface GatewayOptions {
  token: string;
  device: string;
  person: (e164: string) => Person;
  /** Called synchronously after each accepted send with the running count: progress-driven switches. */
  onAccepted?: (count: number) => void;
}

const DEVICE_DIGITS = '60100000000';
const rand = (lo: number, hi: number) => lo + Math.random() * (hi - lo);
const LOOKUP_REFUSAL = { success: false, message: 'messageInfo ', data: {} };

export class FactSheetGateway {
  readonly tally: Tally = { attempts: [], accepted: new Map(), acks: new Map(), replies: new Map(), chatter: [], lookups: 0 };
  readonly switches = { tokenRefused: false, deviceOffline: false };
  /** Where the operator pasted wablast's webhook URL (null: not yet). */
  webhookUrl: string | null = null;
  readonly poster = new WebhookPoster(() => this.webhookUrl);
  private acceptedCount = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly opts: GatewayOptions,
  ) {}

  static async start(opts: GatewayOptions): Promise<FactSheetGateway> {
    let gw: FactSheetGateway | null = null;
    const server = createServer((req, res) => void gw!.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    gw = new FactSheetGateway(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, opts);
    return gw;
  }

  get lastAttemptAt(): number {
    return this.tally.attempts.at(-1)?.at ?? 0;
  }

  /** A message someone posts in a chat that is not a reply to the blast (group, Status, stranger). */
  chatter(from: string, text: string): void {
    this.tally.chatter.push({ from, text });
    this.poster.post('chatter', incomingBody(from, text, DEVICE_DIGITS));
  }

  async close(): Promise<void> {
    this.webhookUrl = null;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: Record<string, unknown> = {};
    try {
      body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
    } catch {
      body = Object.fromEntries(new URLSearchParams(raw));
    }
    // A little network latency, so requests overlap as they would on the internet.
    await new Promise((r) => setTimeout(r, rand(5, 30)));
    const path = (req.url ?? '').split('?')[0];
    const tokenOk = req.headers['x-wsapme-token'] === this.opts.token && !this.switches.tokenRefused;
    const answer = (json: unknown) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(json));
    };
    if (req.method === 'GET' && path === '/v1/server') {
      return answer(tokenOk ? { success: true, message: 'Server is running' } : { success: false, message: 'Unauthorised Token' });
    }
    if (req.method === 'POST' && path === '/v1/sendMessage2') return this.send(body, tokenOk, res, answer);
    if (req.method === 'POST' && (path === '/v1/getMessageStatus' || path === '/api/messageInfo')) {
      this.tally.lookups++;
      return answer(tokenOk ? LOOKUP_REFUSAL : { success: false, message: 'Unauthorised Token' });
    }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ success: false, message: 'Not Found' }));
  }

  private send(body: Record<string, unknown>, tokenOk: boolean, res: ServerResponse, answer: (json: unknown) => void): void {
    const to = typeof body.to === 'string' || typeof body.to === 'number' ? String(body.to) : '';
    const digits = to.endsWith('@g.us') ? null : to.split('@')[0]!.split(':')[0]!.replace(/\D/g, '') || null;
    const record = (outcome: Attempt['outcome']) => this.tally.attempts.push({ at: Date.now(), digits, outcome });
    if (!tokenOk) {
      record('token');
      answer({ success: false, message: 'Unauthorised Token' });
      return;
    }
    if (String(body.device ?? '') !== this.opts.device) {
      record('device');
      answer({ success: false, message: 'Device not found' });
      return;
    }
    if (this.switches.deviceOffline) {
      record('offline');
      answer({ success: false, message: 'Device is not connected' });
      return;
    }
    const text = typeof body.message === 'string' ? body.message : '';
    if (!digits || digits.length < 8 || !text) {
      record('bad');
      answer({ success: false, message: 'Invalid number or message' });
      return;
    }
    record('accepted');
    const id = `3EB0${randomBytes(9).toString('hex').toUpperCase()}`;
    const e164 = `+${digits}`;
    this.tally.accepted.set(e164, [...(this.tally.accepted.get(e164) ?? []), { id, text }]);
    const release = this.poster.hold();
    // The person's acks and replies start once the answer has left, as they would on a real phone.
    res.once('finish', () => {
      this.play(e164, digits, id, text);
      release();
    });
    answer({
      success: true,
      message: 'Sent Successfully',
      data: {
        key: { remoteJid: `${digits}@s.whatsapp.net`, fromMe: true, id },
        message: { extendedTextMessage: { text } },
        messageTimestamp: String(Math.floor(Date.now() / 1000)),
        status: 'PENDING',
      },
    });
    this.acceptedCount++;
    this.opts.onAccepted?.(this.acceptedCount);
  }

  /** Schedules what the person does; acks posted within one short window go out as one array. */
  private play(e164: string, digits: string, id: string, text: string): void {
    const p = this.opts.person(e164);
    const later = (ms: number, fn: () => void) => {
      const release = this.poster.hold();
      setTimeout(() => {
        fn();
        release();
      }, ms);
    };
    const ack = (status: number, style: AckStyle, name?: 'READ' | 'READ_ACK') =>
      this.queueAck({ id, digits, text, status, style, readName: name });
    const tDeliver = rand(30, 250);
    const tRead = p.readFirst ? tDeliver - rand(5, 25) : tDeliver + rand(30, 250);
    if (p.serverAck) later(rand(5, 25), () => ack(BAILEYS.SERVER_ACK, 'numeric'));
    if (p.deliver) later(tDeliver, () => ack(BAILEYS.DELIVERY_ACK, p.deliver!));
    if (p.read) later(tRead, () => ack(p.read!.status, p.read!.style, p.read!.name));
    if (p.noStatus) later(rand(5, 300), () => this.poster.post('no-status', noStatusBody({ id, digits, text })));
    if (p.reply) {
      const { text: reply, jid, form } = p.reply;
      later(Math.max(tDeliver, tRead) + rand(30, 300), () =>
        this.poster.post('reply', incomingBody(senderJid(digits, jid), reply, DEVICE_DIGITS, form), (ok) => {
          if (ok) this.tally.replies.set(e164, [...(this.tally.replies.get(e164) ?? []), reply]);
        }),
      );
    }
    if (p.chatter) {
      later(tDeliver + rand(10, 200), () => {
        // Old-style group ids carry the creator's number: a naive digit match would hit this recipient.
        this.chatter(`${digits}-1600000000@g.us`, 'STOP');
        this.chatter(`${digits}-1600000000@g.us`, 'Berapa harga?');
        this.chatter('status@broadcast', 'STOP');
      });
    }
  }

  private pendingAcks: Ack[] = [];
  private flushTimer: NodeJS.Timeout | null = null;
  private releaseFlush: (() => void) | null = null;

  private queueAck(a: Ack): void {
    if (a.style === 'form') {
      this.postAcks([a]);
      return;
    }
    this.pendingAcks.push(a);
    if (this.flushTimer) return;
    this.releaseFlush = this.poster.hold();
    this.flushTimer = setTimeout(() => this.flush(), 80);
  }

  /** Whatever acks gathered go out in bodies of 1 to 4: a lone object or an array. */
  private flush(): void {
    this.flushTimer = null;
    const acks = this.pendingAcks.splice(0);
    while (acks.length > 0) this.postAcks(acks.splice(0, 1 + Math.floor(Math.random() * 4)));
    this.releaseFlush?.();
    this.releaseFlush = null;
  }

  private postAcks(acks: Ack[]): void {
    this.poster.post(acks.length > 1 ? 'acks' : 'ack', ackBody(acks), (ok) => {
      if (!ok) return;
      for (const a of acks) this.tally.acks.set(a.id, [...(this.tally.acks.get(a.id) ?? []), a.status]);
    });
  }
}
