-- Outbound webhooks (Standard Webhooks): the endpoints the business registered, and an outbox of
-- deliveries, one row per (event, endpoint). The row's id is the `webhook-id` a subscriber sees,
-- the same on every retry; `seq` orders the events of one ordering key (a recipient, a blast).
CREATE TABLE "webhook_endpoints" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"url" text NOT NULL,
	"events" text[] NOT NULL,
	"secret" text NOT NULL,
	"previous_secret" text,
	"rotated_at" timestamp with time zone,
	"enabled" boolean DEFAULT true NOT NULL,
	"disabled_reason" text,
	"failing_since" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_deliveries" (
	"id" text PRIMARY KEY DEFAULT 'msg_' || replace(gen_random_uuid()::text, '-', '') NOT NULL,
	"seq" bigserial NOT NULL,
	"endpoint_id" bigint NOT NULL REFERENCES "webhook_endpoints"("id") ON DELETE cascade,
	"type" text NOT NULL,
	"ordering_key" text NOT NULL,
	"payload" jsonb NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"retry_from" timestamp with time zone DEFAULT now() NOT NULL,
	"next_attempt_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_attempt_at" timestamp with time zone,
	"delivered_at" timestamp with time zone,
	"given_up_at" timestamp with time zone,
	"last_status_code" integer,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "webhook_deliveries_due_idx" ON "webhook_deliveries" USING btree ("next_attempt_at") WHERE delivered_at IS NULL AND given_up_at IS NULL;
--> statement-breakpoint
CREATE INDEX "webhook_deliveries_key_idx" ON "webhook_deliveries" USING btree ("endpoint_id", "ordering_key", "seq") WHERE delivered_at IS NULL AND given_up_at IS NULL;
--> statement-breakpoint
CREATE INDEX "webhook_deliveries_log_idx" ON "webhook_deliveries" USING btree ("endpoint_id", "seq");
--> statement-breakpoint
-- The events are written by triggers, in the transaction of the change they report, so no path
-- that changes a status (sends, webhooks, polls, cancel, resend, close, a hand-written UPDATE)
-- can forget one and no crash can separate an event from its change. Statement-level with
-- transition tables, like the status counters (0002): a webhook batch moves hundreds of rows in
-- one statement. Each trigger first asks whether any enabled endpoint wants the event, so a
-- database without subscribers pays one probe of an empty table per statement.
CREATE FUNCTION outbound_subscribed(event text) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT EXISTS (SELECT 1 FROM webhook_endpoints WHERE enabled AND event = ANY(events))
$$;
--> statement-breakpoint
-- The Standard Webhooks body: {"type","timestamp","data"}.
CREATE FUNCTION outbound_payload(event text, data jsonb) RETURNS jsonb LANGUAGE sql STABLE AS $$
  SELECT jsonb_build_object('type', event,
                            'timestamp', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
                            'data', data)
$$;
--> statement-breakpoint
-- Every change of status is reported, not only moves up the ranks: FAILED, UNCERTAIN and SKIPPED
-- share a rank with what they replace, a resend moves back to QUEUED, and a subscriber must always
-- be able to tell a recipient's current status from the last event it received.
CREATE FUNCTION outbound_status_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT outbound_subscribed('recipient.status_changed') THEN RETURN NULL; END IF;
  INSERT INTO webhook_deliveries (endpoint_id, type, ordering_key, payload)
  SELECT e.id, 'recipient.status_changed', 'r:' || n.id,
         outbound_payload('recipient.status_changed', jsonb_build_object(
           'blast_id', n.blast_id, 'recipient_id', n.id, 'phone', n.phone_number,
           'old_status', o.status, 'new_status', n.status,
           'moved_up', n.status_rank > o.status_rank, 'error', CASE WHEN n.status = 'FAILED' THEN n.last_error END))
  FROM new_rows n
  JOIN old_rows o ON o.id = n.id
  CROSS JOIN webhook_endpoints e
  WHERE n.status IS DISTINCT FROM o.status AND e.enabled AND 'recipient.status_changed' = ANY(e.events)
  ORDER BY n.id, e.id;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER outbound_status_changed AFTER UPDATE ON blast_recipients
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION outbound_status_changed();
--> statement-breakpoint
CREATE FUNCTION outbound_replied() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT outbound_subscribed('recipient.replied') THEN RETURN NULL; END IF;
  INSERT INTO webhook_deliveries (endpoint_id, type, ordering_key, payload)
  SELECT e.id, 'recipient.replied', 'r:' || r.id,
         outbound_payload('recipient.replied', jsonb_build_object(
           'blast_id', r.blast_id, 'recipient_id', r.id, 'phone', r.phone_number,
           'text', n.text, 'received_at', to_char(n.received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')))
  FROM new_rows n
  JOIN blast_recipients r ON r.id = n.recipient_id
  CROSS JOIN webhook_endpoints e
  WHERE e.enabled AND 'recipient.replied' = ANY(e.events)
  ORDER BY n.id, e.id;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER outbound_replied AFTER INSERT ON inbound_messages
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION outbound_replied();
--> statement-breakpoint
-- An opt-out is about a number; it names the recipient (and blast) that number was last sent from,
-- when there is one, and is ordered with that recipient's other events.
CREATE FUNCTION outbound_opted_out() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT outbound_subscribed('recipient.opted_out') THEN RETURN NULL; END IF;
  INSERT INTO webhook_deliveries (endpoint_id, type, ordering_key, payload)
  SELECT e.id, 'recipient.opted_out', coalesce('r:' || r.id, 'p:' || n.phone_number),
         outbound_payload('recipient.opted_out', jsonb_build_object(
           'blast_id', r.blast_id, 'recipient_id', r.id, 'phone', n.phone_number, 'reason', n.reason))
  FROM new_rows n
  LEFT JOIN LATERAL (
    SELECT b.id, b.blast_id FROM blast_recipients b
    WHERE b.phone_number = n.phone_number
    ORDER BY b.sent_at DESC NULLS LAST, b.id DESC
    LIMIT 1
  ) r ON true
  CROSS JOIN webhook_endpoints e
  WHERE e.enabled AND 'recipient.opted_out' = ANY(e.events)
  ORDER BY n.phone_number, e.id;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER outbound_opted_out AFTER INSERT ON opt_outs
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION outbound_opted_out();
--> statement-breakpoint
CREATE FUNCTION outbound_blast_completed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NOT outbound_subscribed('blast.completed') THEN RETURN NULL; END IF;
  INSERT INTO webhook_deliveries (endpoint_id, type, ordering_key, payload)
  SELECT e.id, 'blast.completed', 'b:' || n.id,
         outbound_payload('blast.completed', jsonb_build_object(
           'blast_id', n.id, 'tag', n.tag, 'follow_up_stage', n.follow_up_stage,
           'total_recipients', n.total_recipients,
           'completed_at', to_char(n.completed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')))
  FROM new_rows n
  JOIN old_rows o ON o.id = n.id
  CROSS JOIN webhook_endpoints e
  WHERE n.state = 'completed' AND o.state IS DISTINCT FROM 'completed'
    AND e.enabled AND 'blast.completed' = ANY(e.events)
  ORDER BY n.id, e.id;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER outbound_blast_completed AFTER UPDATE ON blasts
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION outbound_blast_completed();
