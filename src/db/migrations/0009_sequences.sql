-- Sequences (issue 14): automatic follow-ups by funnel stage, stopped by a reply, never sent twice.
--
-- A sequence belongs to one blast (its root) and is a list of steps. Each step becomes an ordinary
-- follow-up blast when it falls due, for the members in its segment at that moment.
CREATE TABLE sequences (
  blast_id bigint PRIMARY KEY REFERENCES blasts(id) ON DELETE CASCADE,
  state text NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'paused', 'cancelled', 'completed')),
  -- The blast the next step waits for (the root, then the last step's blast), and the moment it
  -- finished sending: the next step falls due delay_seconds after anchor_at. Null while it sends.
  anchor_blast_id bigint REFERENCES blasts(id) ON DELETE SET NULL,
  anchor_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
--> statement-breakpoint
CREATE INDEX sequences_live_idx ON sequences (state) WHERE state IN ('running', 'paused');
--> statement-breakpoint
CREATE TABLE sequence_steps (
  id bigserial PRIMARY KEY,
  sequence_id bigint NOT NULL REFERENCES sequences(blast_id) ON DELETE CASCADE,
  position integer NOT NULL CHECK (position >= 1),
  segment text NOT NULL,
  delay_seconds integer NOT NULL CHECK (delay_seconds >= 0),
  message text NOT NULL,
  follow_up_stage text,
  state text NOT NULL DEFAULT 'waiting' CHECK (state IN ('waiting', 'created', 'cancelled')),
  -- Set in the one transaction that creates the step's blast (sequences/createDueStep.ts). UNIQUE:
  -- a blast is the step of at most one step row.
  blast_id bigint UNIQUE REFERENCES blasts(id) ON DELETE SET NULL,
  due_at timestamptz,
  created_at timestamptz,
  recipients integer,
  note text,
  UNIQUE (sequence_id, position)
);
--> statement-breakpoint
-- The step a blast was created for. UNIQUE: even two transactions that both believed a step was
-- still waiting could not both insert its blast — the second fails and rolls back whole.
ALTER TABLE blasts ADD COLUMN sequence_step_id bigint;
--> statement-breakpoint
CREATE UNIQUE INDEX blasts_sequence_step_uq ON blasts (sequence_step_id) WHERE sequence_step_id IS NOT NULL;
--> statement-breakpoint
-- The root's recipients, each following the chain: the row of the last message the sequence sent
-- them (current_recipient_id) decides which segment they are in; left_at/left_reason say when and
-- why they left (replied, closed, opted_out, failed, uncertain, skipped, taken_over, cancelled,
-- finished).
CREATE TABLE sequence_members (
  id bigserial PRIMARY KEY,
  sequence_id bigint NOT NULL REFERENCES sequences(blast_id) ON DELETE CASCADE,
  phone_number text NOT NULL,
  root_recipient_id bigint NOT NULL REFERENCES blast_recipients(id) ON DELETE CASCADE,
  current_recipient_id bigint NOT NULL REFERENCES blast_recipients(id) ON DELETE CASCADE,
  position integer NOT NULL DEFAULT 0,
  joined_at timestamptz NOT NULL DEFAULT now(),
  left_at timestamptz,
  left_reason text,
  taken_over_by bigint,
  UNIQUE (sequence_id, phone_number)
);
--> statement-breakpoint
-- A phone is in at most one running sequence: a newer sequence ends the older membership first.
CREATE UNIQUE INDEX sequence_members_active_phone_uq ON sequence_members (phone_number) WHERE left_at IS NULL;
--> statement-breakpoint
CREATE INDEX sequence_members_active_idx ON sequence_members (sequence_id) WHERE left_at IS NULL;
