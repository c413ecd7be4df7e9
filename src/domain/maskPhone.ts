/**
 * Phone numbers are personal data: logs show enough to tell two apart, never the whole number.
 * `+60123456789` → `+6012****789`.
 */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 8) return phone.replace(/\d/g, '*');
  const plus = phone.trim().startsWith('+') ? '+' : '';
  return `${plus}${digits.slice(0, 4)}${'*'.repeat(digits.length - 7)}${digits.slice(-3)}`;
}

// A run of 8–15 digits, optionally with a leading + and the separators people type (012-345 6789),
// not inside a longer word or number (ids, timestamps in ms are 13 digits but live in numbers, not strings).
const PHONE_RUN = /(?<![\w.:+-])\+?\d(?:[ -]?\d){7,14}(?![\w:.]|[ -]?\d)/g;

// What a number's + and separators look like inside a URL (/api/opt-outs/%2B60%2013-777%200009).
const ENCODED_SEPARATOR = /%(?:2B|20|2D)/gi;

/** Masks every phone-like digit run in free text, also when a URL spells its + and spaces as %XX. */
export function maskPhonesIn(text: string): string {
  const plain = text.includes('%') ? text.replace(ENCODED_SEPARATOR, (m) => decodeURIComponent(m)) : text;
  return plain.replace(PHONE_RUN, (m) => maskPhone(m));
}
