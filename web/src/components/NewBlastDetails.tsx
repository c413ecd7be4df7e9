import type { ReactNode } from 'react';
import { variantCount } from '@domain/template.ts';
import { timeZoneName } from '../lib/format.ts';
import type { Meta } from '../lib/types.ts';
import type { NewBlastForm } from '../lib/useNewBlastForm.ts';
import { Field, Optional } from './Field.tsx';
import { MessageField } from './MessageField.tsx';
import { PacingPicker } from './PacingPicker.tsx';
import { StageField } from './StageField.tsx';
import css from './NewBlastDetails.module.css';

interface Props {
  form: NewBlastForm;
  meta: Meta;
  /** The message's preview, under it (on a phone; on a wide screen it sits beside the form). */
  preview: ReactNode;
}

/** The new blast's first card: tag, message, date and time, stage, pace, and the device under "Advanced". */
export function NewBlastDetails({ form, meta, preview }: Props) {
  const { of, aria, change, edit, field } = form.fieldErrors;
  const { message, messageProblem, check } = form;
  return (
    <div className="card">
      <Field id="tag" label={<Optional>Tag</Optional>} {...field('blast_tag')}>
        <input
          id="tag"
          type="text"
          value={form.tag}
          maxLength={200}
          placeholder="e.g. June promo"
          onChange={edit('blast_tag', form.setTag)}
          {...aria('blast_tag')}
        />
      </Field>
      <MessageField
        message={message}
        onChange={change('message', form.setMessage)}
        variants={messageProblem ? 1 : variantCount(message)}
        variables={form.input.variables}
        unknownVariables={form.unknownVariables}
        problem={messageProblem}
        errors={of('message')}
        aria={aria('message', 'message-hint')}
      />
      {preview}

      <div className="field-row">
        <Field id="when" label="Date and time" hint={`Your time zone: ${timeZoneName()}.`} {...field('scheduled_at')}>
          <input
            id="when"
            type="datetime-local"
            value={form.when}
            onChange={edit('scheduled_at', form.setWhen)}
            {...aria('scheduled_at', 'when-hint')}
          />
        </Field>
        <StageField
          choice={form.stageChoice}
          other={form.stageOther}
          onChoice={change('follow_up_stage', form.setStageChoice)}
          onOther={change('follow_up_stage', form.setStageOther)}
          errors={of('follow_up_stage')}
        />
        <PacingPicker
          device={form.device.trim() || meta.default_device}
          value={form.pacing}
          onChange={form.setPacing}
          plan={form.checkIsCurrent && check ? check.result.plan : undefined}
        />
      </div>

      <details className={css.advanced} open={of('device').length > 0}>
        <summary>Advanced</summary>
        <Field
          id="device"
          label="WSAPME device"
          hint={`Leave empty to use the default device${meta.default_device ? ` (${meta.default_device})` : ''}.`}
          {...field('device')}
        >
          <input
            id="device"
            type="text"
            value={form.device}
            placeholder={meta.default_device || 'default'}
            onChange={edit('device', form.setDevice)}
            {...aria('device', 'device-hint')}
          />
        </Field>
      </details>
    </div>
  );
}
