-- Retention (src/archive/archiveBlasts.ts): an old blast's recipients are exported to a CSV file and
-- deleted, while the blast row and its counters (blast_status_counts, blast_stage_hours) stay, so
-- its report and the funnel across blasts still show it. archived_at is set once the file is
-- complete and before the first row is deleted: a run that stops half-way finishes the deletion
-- next time instead of exporting what is left over the whole file.
ALTER TABLE "blasts" ADD COLUMN "archived_at" timestamptz;--> statement-breakpoint
ALTER TABLE "blasts" ADD COLUMN "archive_file" text;--> statement-breakpoint
-- The DELETE triggers of 0002 and 0007 take deleted recipients off the counters, which is right
-- for every delete except an archival: that one sets wablast.archiving for its transaction and
-- the counters keep the recipients. Separate functions, so the INSERT/UPDATE paths are untouched.
CREATE FUNCTION blast_status_counts_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('wablast.archiving', true) = 'on' THEN RETURN NULL; END IF;
  INSERT INTO blast_status_counts (blast_id, status, n, deliver_seconds, deliver_n, read_seconds, read_n)
  SELECT blast_id, status, -count(*),
         -coalesce(sum(extract(epoch FROM delivered_at - sent_at)), 0), -count(delivered_at - sent_at),
         -coalesce(sum(extract(epoch FROM read_at - sent_at)), 0), -count(read_at - sent_at)
  FROM old_rows
  GROUP BY blast_id, status;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE FUNCTION blast_stage_hours_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('wablast.archiving', true) = 'on' THEN RETURN NULL; END IF;
  INSERT INTO blast_stage_hours (blast_id, hour, sent, received, read, replied, closed)
  SELECT r.blast_id, date_trunc('hour', s.at, 'UTC'),
         -count(*) FILTER (WHERE s.stage = 1), -count(*) FILTER (WHERE s.stage = 2), -count(*) FILTER (WHERE s.stage = 3),
         -count(*) FILTER (WHERE s.stage = 4), -count(*) FILTER (WHERE s.stage = 5)
  FROM old_rows r
  CROSS JOIN LATERAL (VALUES (1, r.sent_at), (2, r.delivered_at), (3, r.read_at), (4, r.replied_at), (5, r.closed_at)) AS s(stage, at)
  WHERE s.at IS NOT NULL
  GROUP BY 1, 2;
  RETURN NULL;
END
$$;
--> statement-breakpoint
DROP TRIGGER blast_status_counts_delete ON blast_recipients;--> statement-breakpoint
CREATE TRIGGER blast_status_counts_delete AFTER DELETE ON blast_recipients
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION blast_status_counts_deleted();
--> statement-breakpoint
DROP TRIGGER blast_stage_hours_delete ON blast_recipients;--> statement-breakpoint
CREATE TRIGGER blast_stage_hours_delete AFTER DELETE ON blast_recipients
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION blast_stage_hours_deleted();
