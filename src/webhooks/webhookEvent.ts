import type { ProgressStatus } from '../domain/status.ts';

/** An event's payload as stored (jsonb): already sanitised, null when the body was not JSON. */
export type Payload = unknown;

/** A gateway status for one of our messages, by its id. */
export interface StatusUpdate {
  kind: 'status';
  messageId: string;
  status: ProgressStatus | 'ERROR';
  c2sTimestamp: string | null;
  payload: Payload;
}

/** A message a person sent us: a reply, perhaps STOP. `phone` is E.164, never a JID. */
export interface InboundMessage {
  kind: 'inbound';
  phone: string;
  text: string;
  payload: Payload;
}

/** Recorded, never applied: ignored (understood, not for us) or not understood (kept for reprocessing). */
export interface SetAside {
  kind: 'ignored' | 'not_understood';
  about: 'status' | 'inbound' | 'unknown';
  reason: string;
  messageId: string | null;
  /** The status as the gateway spelled it, when there was one. */
  status: string | null;
  payload: Payload;
}

export type WebhookEvent = StatusUpdate | InboundMessage | SetAside;

/** What became of one event, as stored and as answered to the gateway. */
export type EventResult = 'applied' | 'waiting' | 'ignored' | 'not_understood';
export interface EventOutcome {
  result: EventResult;
  reason: string | null;
}
