import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { api, ApiError, errorText, fieldSentence } from '../lib/api.ts';
import { formatNumber } from '../lib/format.ts';
import { useCreateFlow } from '../lib/useCreateFlow.ts';
import { type FieldErrors, useFieldErrors } from '../lib/useFieldErrors.ts';
import { SEGMENT_LABELS, segmentSizes } from '../lib/segments.ts';
import { SEGMENTS, type Blast, type CreateBlastResult, type Segment } from '../lib/types.ts';
import { templateProblem } from '@domain/template.ts';
import { CreatePanel } from './CreatePanel.tsx';
import { ErrorText } from './ErrorText.tsx';
import { Field, Optional } from './Field.tsx';
import { MessagePreview, firstRecipientOf } from './MessagePreview.tsx';
import { OTHER, STAGES, StageField } from './StageField.tsx';
import css from './FollowUpPanel.module.css';

type FollowUpField = 'segment' | 'message' | 'blast_tag' | 'follow_up_stage' | 'count' | 'create';

/** The stage after the parent's: Initial → Follow-up 1 → Follow-up 2 … */
function nextStage(stage: string | null): { choice: string; other: string } {
  const i = STAGES.indexOf((stage?.trim() || 'Initial') as (typeof STAGES)[number]);
  if (i < 0) return { choice: 'Follow-up 1', other: '' };
  if (i < STAGES.length - 1) return { choice: STAGES[i + 1]!, other: '' };
  return { choice: OTHER, other: `Follow-up ${i + 1}` };
}

/** The segment offered first: "Read, not replied" when anyone is in it, else the first non-empty one. */
function defaultSegment(blast: Blast): Segment {
  const sizes = segmentSizes(blast.report);
  if (sizes.read_not_replied > 0) return 'read_not_replied';
  return SEGMENTS.find((s) => sizes[s] > 0) ?? 'read_not_replied';
}

/**
 * "Follow up" on the blast detail page: pick a funnel segment, see how many people are in it (a dry
 * run, so opt-outs since are left out), write the next message with a live preview, and create
 * the follow-up blast — as a draft, or sending at once — then open it.
 */
export function FollowUpPanel({ blast }: { blast: Blast }) {
  const [open, setOpen] = useState(false);
  const [segment, setSegment] = useState<Segment>(() => defaultSegment(blast));
  const [message, setMessage] = useState('');
  const [tag, setTag] = useState('');
  const [stage, setStage] = useState(() => nextStage(blast.follow_up_stage));
  const [count, setCount] = useState<{ segment: Segment; result: CreateBlastResult } | null>(null);
  const [counting, setCounting] = useState(false);
  const { errors, setErrors, of, aria, change, edit, errorId, field } = useFieldErrors<FollowUpField>((k) => `follow-up-${k}-error`);
  const segmentRef = useRef<HTMLSelectElement>(null);
  const countSeq = useRef(0);

  const sizes = segmentSizes(blast.report);
  const countIsCurrent = count !== null && count.segment === segment;
  const stageValue = stage.choice === OTHER ? stage.other.trim() : stage.choice;

  // The count is a dry run of the follow-up; it needs a message, but does not depend on it.
  const runCount = useCallback(
    async (seg: Segment) => {
      const seq = ++countSeq.current;
      setCounting(true);
      setErrors((e) => ({ ...e, count: undefined, segment: undefined }));
      try {
        const result = await api.followUp(blast.id, { segment: seg, message: '(count)', dry_run: true });
        if (seq === countSeq.current) setCount({ segment: seg, result });
      } catch (err) {
        if (seq === countSeq.current) setErrors((e) => ({ ...e, count: [errorText(err)] }));
      } finally {
        if (seq === countSeq.current) setCounting(false);
      }
    },
    [blast.id, setErrors],
  );

  // Count on opening and on a new segment at once; while the funnel moves, again at most every 3 s.
  const size = sizes[segment];
  const lastCount = useRef<{ segment: Segment; at: number } | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies(size): the segment's size in the funnel is what says to count again
  useEffect(() => {
    if (!open) return;
    const last = lastCount.current;
    const wait = last && last.segment === segment ? Math.max(0, last.at + 3000 - Date.now()) : 0;
    const t = window.setTimeout(() => {
      lastCount.current = { segment, at: Date.now() };
      void runCount(segment);
    }, wait);
    return () => window.clearTimeout(t);
  }, [open, segment, size, runCount]);

  const request = (dryRun: boolean) =>
    api.followUp(blast.id, {
      segment,
      message,
      ...(tag.trim() ? { blast_tag: tag.trim() } : {}),
      ...(stageValue ? { follow_up_stage: stageValue } : {}),
      ...(dryRun ? { dry_run: true } : {}),
    });
  const flow = useCreateFlow({
    key: JSON.stringify({ segment, message, tag: tag.trim(), stageValue }),
    dryRun: () => request(true),
    create: () => request(false),
    onError: (err, step, id) =>
      setErrors(
        step === 'send'
          ? { create: [`Follow-up blast #${id} was created but could not be started: ${errorText(err)}`] }
          : errorsFrom(err, SEGMENT_LABELS[segment]),
      ),
  });

  /** "Create & send now" opens the review; "Create as draft" creates at once (a draft sends nothing). */
  const create = async (how: 'draft' | 'now') => {
    const local: FieldErrors<FollowUpField> = {};
    const problem = templateProblem(message);
    if (!message.trim()) local.message = ['Write the follow-up message.'];
    else if (problem) local.message = [`Message: ${problem.message}.`];
    if (stage.choice === OTHER && !stage.other.trim()) local.follow_up_stage = ['Type the name of the stage, or pick one from the list.'];
    if (countIsCurrent && count.result.total_recipients === 0) local.segment = ['Nobody is in this segment. Pick another one.'];
    if (Object.keys(local).length > 0) {
      setErrors(local);
      return;
    }
    setErrors({});
    if (how === 'now') await flow.openReview();
    else await flow.createDraft();
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    void create('draft');
  };

  const previewRecipient = countIsCurrent ? firstRecipientOf(count.result) : null;
  const total = countIsCurrent ? count.result.total_recipients : null;
  // A recount while the funnel moves keeps the last number on screen and the buttons usable.
  const busy = flow.busy;
  const canCreate = busy === null && total !== null && total > 0;

  if (!open) {
    return (
      <section className={`card ${css.panel}`} aria-labelledby="follow-up-title">
        <h2 id="follow-up-title">Follow up</h2>
        <p className="hint">Send the next message to the people who stopped at one step of this funnel.</p>
        <div className="actions-row">
          <button
            type="button"
            className="btn"
            onClick={() => {
              setOpen(true);
              requestAnimationFrame(() => segmentRef.current?.focus());
            }}
          >
            Follow up
          </button>
        </div>
      </section>
    );
  }

  return (
    <section className={`card ${css.panel}`} aria-labelledby="follow-up-title" data-testid="follow-up">
      <h2 id="follow-up-title">Follow up</h2>
      <form onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor="follow-up-segment">Segment</label>
          <select
            id="follow-up-segment"
            ref={segmentRef}
            value={segment}
            onChange={edit('segment', (v) => setSegment(v as Segment))}
            {...aria('segment', 'follow-up-count')}
          >
            {SEGMENTS.map((s) => (
              <option key={s} value={s}>
                {SEGMENT_LABELS[s]} ({formatNumber(sizes[s])})
              </option>
            ))}
          </select>
          <p id="follow-up-count" className="hint" aria-live="polite">
            {!countIsCurrent ? (
              counting ? (
                'Counting…'
              ) : (
                ''
              )
            ) : total === 0 ? (
              'Nobody is in this segment.'
            ) : (
              <>
                <strong data-testid="follow-up-count">{formatNumber(total ?? 0)}</strong> {total === 1 ? 'person' : 'people'} will get this
                follow-up
                {count.result.opted_out > 0 && ` (${formatNumber(count.result.opted_out)} opted out since, left out)`}.
              </>
            )}
          </p>
          <ErrorText id={errorId('segment')} messages={of('segment')} />
          <ErrorText id={errorId('count')} messages={of('count')} />
        </div>

        <Field
          id="follow-up-message"
          label="Follow-up message"
          hint={
            <>
              Each person keeps the variables of the first blast, like <code>{'{{name}}'}</code>; spintax <code>{'{Hi|Hello}'}</code> varies
              the words.
            </>
          }
          {...field('message')}
        >
          <textarea
            id="follow-up-message"
            rows={4}
            value={message}
            onChange={edit('message', setMessage)}
            placeholder={'Hi {{name|there}}, any questions about…'}
            {...aria('message', 'follow-up-message-hint')}
          />
        </Field>
        <MessagePreview message={message} recipient={previewRecipient} noRecipientText="Nobody to preview: the segment is empty." boxed />

        <Field
          id="follow-up-tag"
          label={<Optional>Tag</Optional>}
          hint={blast.tag ? `Empty keeps “${blast.tag}”.` : 'Empty leaves it untagged.'}
          {...field('blast_tag')}
        >
          <input
            id="follow-up-tag"
            type="text"
            value={tag}
            maxLength={200}
            placeholder={blast.tag ?? ''}
            onChange={edit('blast_tag', setTag)}
            {...aria('blast_tag', 'follow-up-tag-hint')}
          />
        </Field>
        <StageField
          choice={stage.choice}
          other={stage.other}
          onChoice={change('follow_up_stage', (choice) => setStage((s) => ({ ...s, choice })))}
          onOther={change('follow_up_stage', (other) => setStage((s) => ({ ...s, other })))}
          errors={of('follow_up_stage')}
        />

        <CreatePanel flow={flow} error={errors.create}>
          <button type="button" className="btn btn-primary btn-block" disabled={!canCreate} onClick={() => void create('now')}>
            {busy === 'review' ? 'Preparing the review…' : 'Create & send now'}
          </button>
          <button type="submit" className="btn btn-block" disabled={!canCreate}>
            {busy === 'draft' ? 'Creating…' : 'Create as draft'}
          </button>
          <button type="button" className="btn btn-block" disabled={busy !== null} onClick={() => setOpen(false)}>
            Close
          </button>
        </CreatePanel>
      </form>
    </section>
  );
}

/** An API error spread over the fields it names; anything else goes under the buttons. */
function errorsFrom(err: unknown, segmentLabel: string): FieldErrors<FollowUpField> {
  if (!(err instanceof ApiError) || err.fields.length === 0) return { create: [errorText(err)] };
  const out: FieldErrors<FollowUpField> = {};
  const known = ['segment', 'message', 'blast_tag', 'follow_up_stage'] as const;
  for (const f of err.fields) {
    const key = known.find((k) => f.field === k) ?? 'create';
    // The server's one segment error is "empty segment": people moved on since the count.
    const sentence =
      key === 'segment' ? `Nobody is in “${segmentLabel}” any more. Pick another segment.` : fieldSentence(f.field, f.message);
    out[key] = [...(out[key] ?? []), sentence];
  }
  return out;
}
