import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js/max';

/** `country`: the ISO region the number belongs to ('001' for non-geographic numbers such as +800). */
export type PhoneResult = { ok: true; e164: string; country: string } | { ok: false; reason: string };

/**
 * Normalises what a person typed or a CSV held into E.164. Local forms ("012-345 6789") take the
 * default region; "60123456789" without a plus is tried as international when the local reading
 * fails, because spreadsheets drop the plus. Validation uses the full metadata so a number that
 * cannot exist is reported, not sent.
 */
export function normalisePhone(raw: string, region: string): PhoneResult {
  const input = raw.trim();
  if (input === '') return { ok: false, reason: 'empty' };
  if (input.length > 32 || !/^[+\d\s().\-/]+$/.test(input)) return { ok: false, reason: 'not a phone number' };
  const digits = input.replace(/[^\d+]/g, '');
  const candidates = digits.startsWith('+') ? [digits] : digits.startsWith('00') ? [`+${digits.slice(2)}`] : [digits, `+${digits}`];
  for (const candidate of candidates) {
    const parsed = parsePhoneNumberFromString(candidate, region as CountryCode);
    if (parsed?.isValid()) return { ok: true, e164: parsed.number, country: parsed.country ?? '001' };
  }
  return { ok: false, reason: 'invalid number' };
}

/** Splits a pasted block of numbers on newlines, commas, semicolons and tabs (spaces stay inside a number). */
export function splitPasted(text: string): string[] {
  return text
    .split(/[\n\r,;\t]+/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
