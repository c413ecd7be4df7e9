-- A device whose gateway refuses our token, or whose WhatsApp session is down, is HELD: nothing is
-- sent on it until a single probe send is accepted (after hold_backoff_ms, doubling) or a person
-- resumes it. In the database so every process and the API see the same state.
ALTER TABLE devices ADD COLUMN hold_kind text;
--> statement-breakpoint
ALTER TABLE devices ADD COLUMN hold_reason text;
--> statement-breakpoint
ALTER TABLE devices ADD COLUMN held_since timestamptz;
--> statement-breakpoint
ALTER TABLE devices ADD COLUMN held_until timestamptz;
--> statement-breakpoint
ALTER TABLE devices ADD COLUMN hold_backoff_ms integer;
--> statement-breakpoint
ALTER TABLE devices ADD COLUMN hold_probes integer NOT NULL DEFAULT 0;
--> statement-breakpoint
-- Whether the gateway answers status lookups at all (one row): after a run of refusals the poller
-- stops asking and re-probes rarely, and every process agrees.
CREATE TABLE status_lookup (
  id smallint PRIMARY KEY DEFAULT 1 CHECK (id = 1),
  available boolean NOT NULL DEFAULT true,
  reason text,
  since timestamptz,
  next_probe_at timestamptz
);
--> statement-breakpoint
INSERT INTO status_lookup (id) VALUES (1);
