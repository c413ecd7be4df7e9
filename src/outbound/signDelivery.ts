import { Webhook } from 'standardwebhooks';

export interface SignedHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/**
 * The Standard Webhooks headers for one attempt. During a rotation's grace period the body is
 * signed with every live secret, space-separated, so a subscriber holding either one verifies.
 */
export function signDelivery(id: string, body: string, secrets: readonly string[], at: Date): SignedHeaders {
  const signature = secrets.map((s) => new Webhook(s).sign(id, at, body)).join(' ');
  return { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': signature };
}
