import { waLink } from '../lib/format.ts';

/** A phone number as a link that opens a WhatsApp chat with it (wa.me): tappable on a phone. */
export function PhoneLink({ phone, className }: { phone: string; className?: string }) {
  return (
    <a
      className={className}
      href={waLink(phone)}
      target="_blank"
      rel="noopener noreferrer"
      title="Open a WhatsApp chat with this number"
      data-testid="wa-link"
    >
      {phone}
    </a>
  );
}
