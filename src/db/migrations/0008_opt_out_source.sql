-- Where each opt-out came from (issue 16), so the Opt-outs page can say why a number is there:
-- 'reply' (the person answered STOP or a like word), 'manual' (added on the dashboard or the API),
-- 'import' (a CSV of numbers from elsewhere), 'probably_blocked' (never delivered for days: the
-- person most likely blocked the sender). Rows from before this migration are read back from
-- their reason: only a reply ever wrote 'replied "…"'.
ALTER TABLE opt_outs ADD COLUMN source text NOT NULL DEFAULT 'manual';
--> statement-breakpoint
UPDATE opt_outs SET source = 'reply' WHERE reason LIKE 'replied "%';
--> statement-breakpoint
ALTER TABLE opt_outs ADD CONSTRAINT opt_outs_source_check CHECK (source IN ('reply', 'manual', 'import', 'probably_blocked'));
--> statement-breakpoint
-- The Opt-outs page lists newest first, a page at a time.
CREATE INDEX opt_outs_created_idx ON opt_outs (created_at DESC, phone_number);
