/** One message the simulator accepted, and how far it has got. */
export interface SimMessage {
  messageId: string;
  device: string;
  to: string;
  /** The message text as received, so tests can check template rendering. */
  text: string;
  acceptedAt: number;
  status: string;
  delivered: boolean;
  read: boolean;
  replied: boolean;
  replyText: string | null;
  statusCalls: number;
}
