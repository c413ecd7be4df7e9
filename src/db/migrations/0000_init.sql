CREATE TABLE "blast_recipients" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"blast_id" bigint NOT NULL,
	"phone_number" text NOT NULL,
	"variables" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"message_id" text,
	"status" text DEFAULT 'QUEUED' NOT NULL,
	"status_rank" smallint GENERATED ALWAYS AS (CASE status WHEN 'QUEUED' THEN 0 WHEN 'SENDING' THEN 1 WHEN 'PENDING' THEN 2 WHEN 'DELIVERY_ACK' THEN 3 WHEN 'READ_ACK' THEN 4 WHEN 'REPLIED' THEN 5 WHEN 'CLOSED' THEN 6 WHEN 'FAILED' THEN 1 WHEN 'UNCERTAIN' THEN 1 WHEN 'SKIPPED' THEN 0 ELSE 0 END) STORED,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone,
	"claimed_by" text,
	"claimed_at" timestamp with time zone,
	"last_error" text,
	"wsapme_message_data" jsonb,
	"message_c2s_timestamp" text,
	"queued_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone,
	"delivered_at" timestamp with time zone,
	"read_at" timestamp with time zone,
	"replied_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"failed_at" timestamp with time zone,
	"next_poll_at" timestamp with time zone,
	"poll_count" smallint DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "blasts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"tag" text,
	"message" text NOT NULL,
	"follow_up_stage" text,
	"device" text NOT NULL,
	"state" text DEFAULT 'draft' NOT NULL,
	"scheduled_at" timestamp with time zone,
	"parent_blast_id" bigint,
	"segment" text,
	"total_recipients" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "device_daily_counts" (
	"device" text NOT NULL,
	"day" text NOT NULL,
	"sent" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "devices" (
	"id" text PRIMARY KEY NOT NULL,
	"label" text,
	"rate" double precision,
	"burst" integer,
	"jitter_ms" integer,
	"daily_cap" integer,
	"enabled" boolean DEFAULT true NOT NULL,
	"lease_owner" text,
	"lease_expires_at" timestamp with time zone,
	"wanted_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "inbound_messages" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"phone_number" text NOT NULL,
	"text" text NOT NULL,
	"recipient_id" bigint,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"payload" jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "opt_outs" (
	"phone_number" text PRIMARY KEY NOT NULL,
	"reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "webhook_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"kind" text NOT NULL,
	"message_id" text,
	"status" text,
	"payload" jsonb NOT NULL,
	"applied_at" timestamp with time zone,
	"outcome" text
);
--> statement-breakpoint
ALTER TABLE "blast_recipients" ADD CONSTRAINT "blast_recipients_blast_id_blasts_id_fk" FOREIGN KEY ("blast_id") REFERENCES "public"."blasts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "inbound_messages" ADD CONSTRAINT "inbound_messages_recipient_id_blast_recipients_id_fk" FOREIGN KEY ("recipient_id") REFERENCES "public"."blast_recipients"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "blast_recipients_blast_phone_uq" ON "blast_recipients" USING btree ("blast_id","phone_number");--> statement-breakpoint
CREATE UNIQUE INDEX "blast_recipients_message_id_uq" ON "blast_recipients" USING btree ("message_id") WHERE message_id IS NOT NULL;--> statement-breakpoint
CREATE INDEX "blast_recipients_blast_status_idx" ON "blast_recipients" USING btree ("blast_id","status");--> statement-breakpoint
CREATE INDEX "blast_recipients_queue_idx" ON "blast_recipients" USING btree ("blast_id","id") WHERE status = 'QUEUED';--> statement-breakpoint
CREATE INDEX "blast_recipients_sending_idx" ON "blast_recipients" USING btree ("claimed_by") WHERE status = 'SENDING';--> statement-breakpoint
CREATE INDEX "blast_recipients_phone_idx" ON "blast_recipients" USING btree ("phone_number","sent_at");--> statement-breakpoint
CREATE INDEX "blast_recipients_poll_idx" ON "blast_recipients" USING btree ("next_poll_at") WHERE next_poll_at IS NOT NULL;--> statement-breakpoint
CREATE INDEX "blasts_created_idx" ON "blasts" USING btree ("created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "blasts_live_idx" ON "blasts" USING btree ("state","scheduled_at") WHERE state IN ('scheduled', 'sending');--> statement-breakpoint
CREATE UNIQUE INDEX "device_daily_counts_pk" ON "device_daily_counts" USING btree ("device","day");--> statement-breakpoint
CREATE INDEX "inbound_messages_recipient_idx" ON "inbound_messages" USING btree ("recipient_id");--> statement-breakpoint
CREATE INDEX "webhook_events_unmatched_idx" ON "webhook_events" USING btree ("message_id") WHERE applied_at IS NULL;--> statement-breakpoint
CREATE INDEX "webhook_events_received_idx" ON "webhook_events" USING btree ("received_at");