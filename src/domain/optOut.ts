/** Words that, opening an inbound message, mean "never message me again" (English and Malay). */
const OPT_OUT_WORDS = new Set(['STOP', 'UNSUBSCRIBE', 'BERHENTI', 'STOPALL', 'CANCEL', 'END', 'QUIT']);

/** True when the message asks to opt out: its first word, case- and punctuation-insensitive. */
export function isOptOut(text: string): boolean {
  const first = text.trim().split(/\s+/)[0] ?? '';
  return OPT_OUT_WORDS.has(first.toUpperCase().replace(/[^A-Z]/g, ''));
}
