import { useRef, useState, type FormEvent } from 'react';
import { api } from '../lib/api.ts';
import { errorText } from '../lib/errorText.ts';
import { type FollowUpField, errorsFrom } from '../lib/followUpErrors.ts';
import { useCreateFlow } from '../lib/useCreateFlow.ts';
import { type FieldErrors, useFieldErrors } from '../lib/useFieldErrors.ts';
import { useFollowUpCount } from '../lib/useFollowUpCount.ts';
import { SEGMENT_LABELS, segmentSizes } from '../lib/segments.ts';
import { SEGMENTS, type Blast, type Segment } from '../lib/types.ts';
import { templateProblem } from '@domain/template.ts';
import { CreatePanel } from './CreatePanel.tsx';
import { Field, Optional } from './Field.tsx';
import { FollowUpSegmentField } from './FollowUpSegmentField.tsx';
import { MessagePreview, firstRecipientOf } from './MessagePreview.tsx';
import { OTHER, STAGES, StageField } from './StageField.tsx';
import css from './FollowUpPanel.module.css';

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
  const { errors, setErrors, of, aria, change, edit, field } = useFieldErrors<FollowUpField>((k) => `follow-up-${k}-error`);
  const segmentRef = useRef<HTMLSelectElement>(null);

  const sizes = segmentSizes(blast.report);
  const { count, counting } = useFollowUpCount({ blastId: blast.id, open, segment, size: sizes[segment], setErrors });
  const stageValue = stage.choice === OTHER ? stage.other.trim() : stage.choice;

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
    if (count?.total_recipients === 0) local.segment = ['Nobody is in this segment. Pick another one.'];
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

  const previewRecipient = count ? firstRecipientOf(count) : null;
  const total = count ? count.total_recipients : null;
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
        <FollowUpSegmentField
          selectRef={segmentRef}
          segment={segment}
          sizes={sizes}
          onChange={edit('segment', (v) => setSegment(v as Segment))}
          aria={aria('segment', 'follow-up-count')}
          count={count}
          counting={counting}
          segmentErrors={field('segment')}
          countErrors={field('count')}
        />

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
