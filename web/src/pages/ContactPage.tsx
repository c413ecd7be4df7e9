import { useEffect, useState } from 'react';
import { api } from '../lib/api.ts';
import { errorText } from '../lib/errorText.ts';
import { formatDateTime, stageLabel } from '../lib/format.ts';
import { href } from '../lib/router.ts';
import type { ContactTimeline } from '../lib/types.ts';
import { OptedOutBadge, OutcomeBadge, RecipientStatus } from '../components/OptedOutBadge.tsx';
import { SOURCE_LABELS } from './OptOutsPage.tsx';
import { ErrorText } from '../components/ErrorText.tsx';
import { PhoneLink } from '../components/PhoneLink.tsx';
import entry from '../components/ReplyCard.module.css';
import css from './ContactPage.module.css';

type Entry =
  | { kind: 'sent'; at: string; m: ContactTimeline['messages'][number] }
  | { kind: 'reply'; at: string; r: ContactTimeline['replies'][number] };

/** One number's history across blasts: every message sent, its stage times, its replies, its opt-out. */
export function ContactPage({ phone }: { phone: string }) {
  const [data, setData] = useState<ContactTimeline | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api.contact(phone).then(setData, (err) => setError(errorText(err)));
  }, [phone]);

  const entries: Entry[] = data
    ? [
        ...data.messages.map((m): Entry => ({ kind: 'sent', at: m.sent_at ?? m.queued_at ?? '', m })),
        ...data.replies.map((r): Entry => ({ kind: 'reply', at: r.received_at, r })),
      ].sort((a, b) => a.at.localeCompare(b.at))
    : [];

  return (
    <section aria-labelledby="contact-title">
      <p>
        <a href={href.replies}>← Replies</a>
      </p>
      <div className="page-head">
        <h1 id="contact-title">
          {data?.name ? `${data.name} · ` : ''}
          <PhoneLink phone={data?.phone ?? phone} />
        </h1>
        {data?.opted_out && (
          <OptedOutBadge title={data.opted_out.reason ?? undefined}>
            Opted out {formatDateTime(data.opted_out.created_at)}
            {data.opted_out.source ? ` · ${SOURCE_LABELS[data.opted_out.source] ?? data.opted_out.source}` : ''}
          </OptedOutBadge>
        )}
      </div>
      <ErrorText messages={error} />
      {!data && !error && <p className="muted loading">Loading…</p>}
      {data && entries.length === 0 && <p className="muted">Nothing was ever sent to this number, and it never replied.</p>}
      {data && entries.length > 0 && (
        <ol className={css.timeline} aria-label="Timeline, oldest first">
          {entries.map((e) =>
            e.kind === 'sent' ? (
              <li key={`s${e.m.recipient_id}`} className="card" data-testid="timeline-sent">
                <div className={entry.head}>
                  <a href={href.blast(e.m.blast_id)}>
                    #{e.m.blast_id} {e.m.blast_tag ?? 'Untitled'}
                  </a>
                  <span className="muted">{stageLabel(e.m.follow_up_stage)}</span>
                  <RecipientStatus status={e.m.status} optedOut={Boolean(data?.opted_out)} />
                  {e.m.outcome && <OutcomeBadge outcome={e.m.outcome} />}
                </div>
                <p className={entry.sentText}>{e.m.text}</p>
                <p className={`muted ${css.stages}`}>
                  {(
                    [
                      ['Sent', e.m.sent_at],
                      ['Received', e.m.delivered_at],
                      ['Read', e.m.read_at],
                      ['Replied', e.m.replied_at],
                      ['Closed', e.m.closed_at],
                      ['Failed', e.m.failed_at],
                    ] as const
                  )
                    .filter(([, t]) => t)
                    .map(([label, t]) => `${label} ${formatDateTime(t)}`)
                    .join(' · ')}
                  {e.m.last_error ? ` · ${e.m.last_error}` : ''}
                </p>
                {e.m.note && <p className={entry.note}>Note: {e.m.note}</p>}
              </li>
            ) : (
              <li key={`r${e.r.id}`} className={`card ${css.reply}`} data-testid="timeline-reply">
                <time className="muted" dateTime={e.r.received_at}>
                  {formatDateTime(e.r.received_at)}
                </time>
                <p className={entry.text}>{e.r.text}</p>
              </li>
            ),
          )}
        </ol>
      )}
    </section>
  );
}
