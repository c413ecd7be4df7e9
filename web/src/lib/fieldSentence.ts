/** The request's fields as the subject of a sentence. */
const FIELD_LABELS: Record<string, string> = {
  blast_tag: 'The tag',
  message: 'The message',
  recipients: 'Recipients',
  follow_up_stage: 'The follow-up stage',
  scheduled_at: 'The date and time',
  device: 'The device',
  file: 'The file',
  phone: 'The phone number',
  token: 'The token',
  segment: 'The segment',
};

/** One field's issue as a sentence: "must not be empty" on `message` reads "The message must not be empty." */
export function fieldSentence(field: string, message: string): string {
  const m = /^recipients\.(\d+)/.exec(field);
  const label = m ? `Recipient ${Number(m[1]) + 1}` : (FIELD_LABELS[field] ?? field.replace(/_/g, ' '));
  const text = message.trim();
  if (!text) return `${label} is not valid.`;
  let out: string;
  if (/^[A-Z]/.test(text)) out = text;
  else if (/^(must|is|are|should|can|cannot|has|needs?)\b/.test(text)) out = `${label} ${text}`;
  else out = `${label}: ${text}`;
  return /[.!?]$/.test(out) ? out : `${out}.`;
}
