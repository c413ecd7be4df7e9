/**
 * Which column of a recipients table holds the phone number: the one rule for CSV uploads (API,
 * CLI), the dashboard's file preview and a pasted table with a header row.
 * Headers compare case-insensitively, with spaces, dashes, dots and the like as "_":
 * "Phone", "phone-number", "Phone Number", "No. HP" and "WhatsApp" all qualify.
 */
export const PHONE_HEADERS = [
  'phone',
  'phone_number',
  'phonenumber',
  'phone_no',
  'number',
  'mobile',
  'mobile_number',
  'mobile_no',
  'handphone',
  'no_hp',
  'hp',
  'whatsapp',
  'whatsapp_number',
  'msisdn',
  'tel',
  'telephone',
  'to',
] as const;

const KNOWN: ReadonlySet<string> = new Set(PHONE_HEADERS);

export function normaliseHeader(header: string): string {
  return header
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

export function isPhoneHeader(header: string): boolean {
  return KNOWN.has(normaliseHeader(header));
}

/** The index of the phone column, or -1. The first matching column wins. */
export function findPhoneColumn(header: readonly string[]): number {
  return header.findIndex(isPhoneHeader);
}

/** The sentence for a header without a phone column, naming what was found. */
export function noPhoneColumnMessage(header: readonly string[]): string {
  const found = header.slice(0, 10).join(', ') || 'nothing';
  return `The first row must be a header with a "phone" column (or "phone number", "mobile", "WhatsApp"…). Found: ${found}.`;
}
