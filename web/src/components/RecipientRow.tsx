import { formatDateTime } from '../lib/format.ts';
import { href } from '../lib/router.ts';
import type { Recipient } from '../lib/types.ts';
import { RecipientStatus } from './OptedOutBadge.tsx';
import { PhoneLink } from './PhoneLink.tsx';
import css from './RecipientsTable.module.css';

const CLOSABLE = new Set(['PENDING', 'DELIVERY_ACK', 'READ_ACK', 'REPLIED']);

function lastUpdate(r: Recipient): string | null {
  return r.closed_at ?? r.replied_at ?? r.read_at ?? r.delivered_at ?? r.failed_at ?? r.sent_at ?? null;
}

/** The recipient's name (a `name` variable in any case) first, then the other variables. */
function splitVariables(vars: Record<string, string>): { name: string | null; rest: Array<[string, string]> } {
  const entries = Object.entries(vars ?? {}).filter(([, v]) => v !== '');
  const name = entries.find(([k]) => k.toLowerCase() === 'name');
  return { name: name ? name[1] : null, rest: entries.filter((e) => e !== name) };
}

interface RowProps {
  r: Recipient;
  closing: number | null;
  onClose: () => void;
  error: string | undefined;
}

/** One recipient of the blast page: name first, the number as a WhatsApp link, the latest reply and its thread. */
export function RecipientRow({ r, closing, onClose, error }: RowProps) {
  const { name, rest } = splitVariables(r.variables);
  const who = name ?? r.phone_number;
  return (
    <tr data-recipient-id={r.id}>
      <td data-label="Recipient">
        <div className={css.who}>
          {name && (
            <span className={css.name} data-testid="recipient-name">
              {name}
            </span>
          )}
          <PhoneLink phone={r.phone_number} className={`${css.phone} mono`} />
          {rest.length > 0 && <span className={css.vars}>{rest.map(([k, v]) => `${k}: ${v}`).join(' · ')}</span>}
        </div>
      </td>
      <td data-label="Status" className={css.statusCell}>
        <RecipientStatus status={r.status} optedOut={r.opted_out} />
      </td>
      <td data-label="Latest reply">
        {r.last_reply ? (
          <div className={css.reply}>
            <span className={css.replyText} data-testid="recipient-reply">
              {r.last_reply}
            </span>
            <a className={css.thread} href={href.contact(r.phone_number)}>
              {r.reply_count && r.reply_count > 1 ? `All ${r.reply_count} replies` : 'Conversation'} →
            </a>
          </div>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td data-label="Last update">{formatDateTime(lastUpdate(r))}</td>
      <td data-label="Details">
        {r.last_error ? <span className={css.error}>{r.last_error}</span> : null}
        {r.attempts > 1 ? <span className="muted"> {r.attempts} attempts</span> : null}
        {!r.last_error && r.attempts <= 1 ? <span className="muted">—</span> : null}
      </td>
      <td data-label="" className={css.actions}>
        {CLOSABLE.has(r.status) && (
          <button type="button" className="btn btn-small" disabled={closing !== null} onClick={onClose} aria-label={`Mark ${who} closed`}>
            {closing === r.id ? 'Closing…' : 'Mark closed'}
          </button>
        )}
        {error && (
          <span className={css.error} role="alert">
            {error}
          </span>
        )}
      </td>
    </tr>
  );
}
