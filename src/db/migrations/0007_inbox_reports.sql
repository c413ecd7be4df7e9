-- The replies inbox and the reports across blasts (issue 15).
--
-- Closing records an outcome and a note, and remembers the status it closed from so that reopen —
-- the one explicit step down the lattice a person may ask for — can put it back.
ALTER TABLE blast_recipients ADD COLUMN close_outcome text;
--> statement-breakpoint
ALTER TABLE blast_recipients ADD COLUMN close_note text;
--> statement-breakpoint
ALTER TABLE blast_recipients ADD COLUMN closed_from text;
--> statement-breakpoint
-- The inbox lists replies newest first and the contact timeline finds a number's replies.
CREATE INDEX inbound_messages_received_idx ON inbound_messages (received_at DESC, id DESC);
--> statement-breakpoint
CREATE INDEX inbound_messages_phone_idx ON inbound_messages (phone_number, received_at);
--> statement-breakpoint
-- Stage events per blast and UTC hour, so the report by day reads counters instead of every
-- recipient: how many recipients first reached each stage (sent, received, read, replied, closed —
-- the stage times sent_at … closed_at) in that hour. One row carries all five stages: a year of
-- blasts is then one row per blast-hour, not five; integers (a blast is at most MAX_RECIPIENTS)
-- so sums stay in fast integer arithmetic rather than numeric. Rows are deltas, like blast_status_counts
-- (0002), folded back to one row per (blast, hour) by the engine (reports/foldStageHours.ts).
-- Hours rather than days because the day is the business's time zone, chosen at query time.
CREATE TABLE blast_stage_hours (
  id bigserial PRIMARY KEY,
  blast_id bigint NOT NULL,
  hour timestamptz NOT NULL,
  sent integer NOT NULL DEFAULT 0,
  received integer NOT NULL DEFAULT 0,
  read integer NOT NULL DEFAULT 0,
  replied integer NOT NULL DEFAULT 0,
  closed integer NOT NULL DEFAULT 0,
  folded boolean NOT NULL DEFAULT false
);
--> statement-breakpoint
CREATE INDEX blast_stage_hours_hour_idx ON blast_stage_hours (hour) INCLUDE (sent, received, read, replied, closed);
--> statement-breakpoint
CREATE INDEX blast_stage_hours_unfolded_idx ON blast_stage_hours (blast_id) WHERE NOT folded;
--> statement-breakpoint
-- One INSERT per statement (transition tables), as in 0002: each row's stage times count +1 in
-- their hour from the new version and -1 from the old, so a statement that sets a stage time adds
-- it, one that clears it (reopen clears closed_at) takes it back, and one that leaves them alone
-- nets to zero and writes nothing (the HAVING).
CREATE FUNCTION blast_stage_hours_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO blast_stage_hours (blast_id, hour, sent, received, read, replied, closed)
    SELECT r.blast_id, date_trunc('hour', s.at, 'UTC'),
           count(*) FILTER (WHERE s.stage = 1), count(*) FILTER (WHERE s.stage = 2), count(*) FILTER (WHERE s.stage = 3),
           count(*) FILTER (WHERE s.stage = 4), count(*) FILTER (WHERE s.stage = 5)
    FROM new_rows r
    CROSS JOIN LATERAL (VALUES (1, r.sent_at), (2, r.delivered_at), (3, r.read_at), (4, r.replied_at), (5, r.closed_at)) AS s(stage, at)
    WHERE s.at IS NOT NULL
    GROUP BY 1, 2;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO blast_stage_hours (blast_id, hour, sent, received, read, replied, closed)
    SELECT r.blast_id, date_trunc('hour', s.at, 'UTC'),
           -count(*) FILTER (WHERE s.stage = 1), -count(*) FILTER (WHERE s.stage = 2), -count(*) FILTER (WHERE s.stage = 3),
           -count(*) FILTER (WHERE s.stage = 4), -count(*) FILTER (WHERE s.stage = 5)
    FROM old_rows r
    CROSS JOIN LATERAL (VALUES (1, r.sent_at), (2, r.delivered_at), (3, r.read_at), (4, r.replied_at), (5, r.closed_at)) AS s(stage, at)
    WHERE s.at IS NOT NULL
    GROUP BY 1, 2;
  ELSE
    INSERT INTO blast_stage_hours (blast_id, hour, sent, received, read, replied, closed)
    SELECT blast_id, hour, sent, received, read, replied, closed
    FROM (
      SELECT r.blast_id, date_trunc('hour', s.at, 'UTC') AS hour,
             coalesce(sum(r.sign) FILTER (WHERE s.stage = 1), 0) AS sent,
             coalesce(sum(r.sign) FILTER (WHERE s.stage = 2), 0) AS received,
             coalesce(sum(r.sign) FILTER (WHERE s.stage = 3), 0) AS read,
             coalesce(sum(r.sign) FILTER (WHERE s.stage = 4), 0) AS replied,
             coalesce(sum(r.sign) FILTER (WHERE s.stage = 5), 0) AS closed
      FROM (
        SELECT blast_id, sent_at, delivered_at, read_at, replied_at, closed_at, 1 AS sign FROM new_rows
        UNION ALL
        SELECT blast_id, sent_at, delivered_at, read_at, replied_at, closed_at, -1 FROM old_rows
      ) AS r
      CROSS JOIN LATERAL (VALUES (1, r.sent_at), (2, r.delivered_at), (3, r.read_at), (4, r.replied_at), (5, r.closed_at)) AS s(stage, at)
      WHERE s.at IS NOT NULL
      GROUP BY 1, 2
    ) AS d
    WHERE sent <> 0 OR received <> 0 OR read <> 0 OR replied <> 0 OR closed <> 0;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER blast_stage_hours_insert AFTER INSERT ON blast_recipients
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION blast_stage_hours_track();
--> statement-breakpoint
CREATE TRIGGER blast_stage_hours_update AFTER UPDATE ON blast_recipients
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION blast_stage_hours_track();
--> statement-breakpoint
CREATE TRIGGER blast_stage_hours_delete AFTER DELETE ON blast_recipients
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION blast_stage_hours_track();
--> statement-breakpoint
-- The stage events of the recipients that exist already (same snapshot argument as 0002).
INSERT INTO blast_stage_hours (blast_id, hour, sent, received, read, replied, closed, folded)
SELECT r.blast_id, date_trunc('hour', s.at, 'UTC'),
       count(*) FILTER (WHERE s.stage = 1), count(*) FILTER (WHERE s.stage = 2), count(*) FILTER (WHERE s.stage = 3),
       count(*) FILTER (WHERE s.stage = 4), count(*) FILTER (WHERE s.stage = 5), true
FROM blast_recipients r
CROSS JOIN LATERAL (VALUES (1, r.sent_at), (2, r.delivered_at), (3, r.read_at), (4, r.replied_at), (5, r.closed_at)) AS s(stage, at)
WHERE s.at IS NOT NULL
GROUP BY 1, 2;
