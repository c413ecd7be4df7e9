/** One message the simulator accepted, and how far it has got. */
export interface SimMessage {
  messageId: string;
  device: string;
  to: string;
  acceptedAt: number;
  status: string;
  delivered: boolean;
  read: boolean;
  replied: boolean;
  replyText: string | null;
  statusCalls: number;
}
