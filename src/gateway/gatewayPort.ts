import type { SendOutcome, StatusOutcome } from './classify.ts';

/** What the engine needs from a gateway; the WSAPME client implements it. */
export interface GatewayPort {
  sendMessage(req: { device: string; to: string; message: string }): Promise<SendOutcome>;
  getMessageStatus(req: { device: string; messageId: string; phone?: string }): Promise<StatusOutcome>;
}
