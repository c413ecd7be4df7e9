import { Webhook } from 'standardwebhooks';
import type { ReceivedHook, Subscriber } from './webhookSubscriber.ts';

/** Requests whose signature does not verify with any of `secrets` (Standard Webhooks' own verifier). */
export function unverified(received: readonly ReceivedHook[], secrets: readonly string[]): ReceivedHook[] {
  return received.filter((r) => !secrets.some((s) => verifies(r, s)));
}

export function verifies(r: ReceivedHook, secret: string): boolean {
  try {
    new Webhook(secret).verify(r.body, r.headers);
    return true;
  } catch {
    return false;
  }
}

/**
 * Per recipient, the status changes the subscriber accepted (duplicates by webhook-id dropped, as
 * a subscriber should), checked as a chain: the first leaves QUEUED, each leaves the status the
 * previous one reached — which only holds if they arrived in order and none is missing. Returns
 * the recipients whose chain breaks, and each recipient's last reported status.
 */
export function statusChains(sub: Subscriber): { broken: Array<{ recipient: number; chain: string[] }>; last: Map<number, string> } {
  const seen = new Set<string>();
  const chains = new Map<number, Array<{ old_status: string; new_status: string }>>();
  for (const { id, event } of sub.accepted()) {
    if (seen.has(id)) continue;
    seen.add(id);
    if (event.type !== 'recipient.status_changed') continue;
    const list = chains.get(event.data.recipient_id) ?? [];
    list.push(event.data as { old_status: string; new_status: string });
    chains.set(event.data.recipient_id, list);
  }
  const broken: Array<{ recipient: number; chain: string[] }> = [];
  const last = new Map<number, string>();
  for (const [recipient, list] of chains) {
    let at = 'QUEUED';
    for (const c of list) {
      if (c.old_status !== at) broken.push({ recipient, chain: list.map((x) => `${x.old_status}>${x.new_status}`) });
      at = c.new_status;
    }
    last.set(recipient, at);
  }
  return { broken, last };
}
