import { normalisePhone } from './phone.ts';

export type Sender = { ok: true; phone: string } | { ok: false; result: 'ignored' | 'not_understood'; reason: string };

// <digits>@c.us (WhatsApp Web), <digits>@s.whatsapp.net (Baileys), with Baileys' optional
// _<agent> and :<device> suffixes: the digits are the international number without its plus.
const PERSON_JID = /^\+?(\d{5,20})(?:_\d+)?(?::\d+)?@(?:c\.us|s\.whatsapp\.net)$/;

/** JIDs that are never a person who could answer a blast, and why. */
const NOT_A_PERSON: ReadonlyArray<readonly [RegExp, string]> = [
  [/^status@broadcast$/, 'WhatsApp Status (status@broadcast), not a reply'],
  [/@broadcast$/, 'broadcast list, not a reply'],
  [/@g\.us$/, 'group chat, not a reply'],
  [/@newsletter$/, 'channel, not a reply'],
  [/@lid$/, 'sender hidden behind a WhatsApp LID (no phone number)'],
];

/**
 * The E.164 number of whoever sent an inbound message. A person's JID carries their number;
 * groups, Status, broadcasts and channels are ignored (never matched to a recipient, never opted
 * out); a plain phone number (the seed's flat webhooks) is read with the default region.
 */
export function senderPhone(from: string, region: string): Sender {
  const s = from.trim().toLowerCase();
  for (const [pattern, reason] of NOT_A_PERSON) if (pattern.test(s)) return { ok: false, result: 'ignored', reason };
  const person = PERSON_JID.exec(s);
  if (person) {
    const parsed = normalisePhone(`+${person[1]}`, region);
    return parsed.ok
      ? { ok: true, phone: parsed.e164 }
      : { ok: false, result: 'not_understood', reason: 'sender JID does not carry a valid phone number' };
  }
  if (s.includes('@')) return { ok: false, result: 'not_understood', reason: 'sender is a JID of an unknown kind' };
  const parsed = normalisePhone(s, region);
  return parsed.ok ? { ok: true, phone: parsed.e164 } : { ok: false, result: 'not_understood', reason: 'sender is not a phone number' };
}
