-- Keeps blast_status_counts (see schema.ts) in step with blast_recipients, so the report of a blast
-- of a million recipients reads a few rows instead of aggregating a million.
--
-- Statement-level triggers with transition tables: one INSERT of deltas per statement, however
-- many rows it touched (an upload of 100,000 recipients, a webhook batch of 500), rather than one
-- per row. A trigger rather than counting in the application because every path that changes a
-- status — claims, send results, webhooks, polls, cancel, resend, close, follow-ups, a hand-written
-- UPDATE — is then counted, in the same transaction, with nothing to forget.
--
-- Each delta row is (blast, status, ±recipients, ±Σ seconds sent→delivered and how many,
-- ±Σ seconds sent→read and how many): the old version of a row counts -1 under its old status and
-- the new one +1 under its new status. A statement that changes no status nor stage time (a poll
-- bump, a lease field) nets to zero and writes nothing (the HAVING).
CREATE FUNCTION blast_status_counts_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO blast_status_counts (blast_id, status, n, deliver_seconds, deliver_n, read_seconds, read_n)
    SELECT blast_id, status, count(*),
           coalesce(sum(extract(epoch FROM delivered_at - sent_at)), 0), count(delivered_at - sent_at),
           coalesce(sum(extract(epoch FROM read_at - sent_at)), 0), count(read_at - sent_at)
    FROM new_rows
    GROUP BY blast_id, status;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO blast_status_counts (blast_id, status, n, deliver_seconds, deliver_n, read_seconds, read_n)
    SELECT blast_id, status, -count(*),
           -coalesce(sum(extract(epoch FROM delivered_at - sent_at)), 0), -count(delivered_at - sent_at),
           -coalesce(sum(extract(epoch FROM read_at - sent_at)), 0), -count(read_at - sent_at)
    FROM old_rows
    GROUP BY blast_id, status;
  ELSE
    INSERT INTO blast_status_counts (blast_id, status, n, deliver_seconds, deliver_n, read_seconds, read_n)
    SELECT blast_id, status, sum(n), coalesce(sum(ds), 0), sum(dn), coalesce(sum(rs), 0), sum(rn)
    FROM (
      SELECT blast_id, status, 1 AS n,
             extract(epoch FROM delivered_at - sent_at) AS ds, (delivered_at - sent_at IS NOT NULL)::int AS dn,
             extract(epoch FROM read_at - sent_at) AS rs, (read_at - sent_at IS NOT NULL)::int AS rn
      FROM new_rows
      UNION ALL
      SELECT blast_id, status, -1,
             -extract(epoch FROM delivered_at - sent_at), -(delivered_at - sent_at IS NOT NULL)::int,
             -extract(epoch FROM read_at - sent_at), -(read_at - sent_at IS NOT NULL)::int
      FROM old_rows
    ) AS d
    GROUP BY blast_id, status
    HAVING sum(n) <> 0 OR sum(dn) <> 0 OR sum(rn) <> 0 OR coalesce(sum(ds), 0) <> 0 OR coalesce(sum(rs), 0) <> 0;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER blast_status_counts_insert AFTER INSERT ON blast_recipients
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION blast_status_counts_track();
--> statement-breakpoint
CREATE TRIGGER blast_status_counts_update AFTER UPDATE ON blast_recipients
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION blast_status_counts_track();
--> statement-breakpoint
CREATE TRIGGER blast_status_counts_delete AFTER DELETE ON blast_recipients
  REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION blast_status_counts_track();
--> statement-breakpoint
-- Counts for the recipients that exist already. The migration runs in one transaction and
-- CREATE TRIGGER above took a lock that waits for in-flight writers and blocks new ones until
-- commit, so every change is either in this snapshot or seen by the trigger — never both, never
-- neither.
INSERT INTO blast_status_counts (blast_id, status, n, deliver_seconds, deliver_n, read_seconds, read_n, folded)
SELECT blast_id, status, count(*),
       coalesce(sum(extract(epoch FROM delivered_at - sent_at)), 0), count(delivered_at - sent_at),
       coalesce(sum(extract(epoch FROM read_at - sent_at)), 0), count(read_at - sent_at), true
FROM blast_recipients
GROUP BY blast_id, status;
