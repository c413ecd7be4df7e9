/** A LIKE pattern matching `text` anywhere, its wildcards and escape character taken literally: the text is the user's. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * When a search looks like a phone number (digits, spaces, + - ( ) .), a LIKE pattern for its
 * digits anywhere in an E.164 number; a local spelling's leading 0 is dropped, so "012-345 6789"
 * finds +60123456789. Null for a search that is not a number.
 */
export function phoneDigitsPattern(text: string): string | null {
  const digits = text.replace(/\D/g, '');
  if (!digits || !/^[\d\s+().-]+$/.test(text)) return null;
  return `%${digits.replace(/^0+/, '')}%`;
}
