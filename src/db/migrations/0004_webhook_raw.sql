-- Every webhook request that passed the secret check, kept raw (NUL characters escaped as the six
-- characters \u0000, which PostgreSQL text refuses) so an operator can see what the gateway really
-- sent and an upgrade can re-read what was not understood. Pruned after WEBHOOK_RETENTION_DAYS.
CREATE TABLE "webhook_requests" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"content_type" text,
	"body" text NOT NULL,
	"secret_in" text
);
--> statement-breakpoint
CREATE INDEX "webhook_requests_received_idx" ON "webhook_requests" USING btree ("received_at");
--> statement-breakpoint
-- No foreign key: both tables are pruned by age, and a key would cost every group commit a check.
ALTER TABLE "webhook_events" ADD COLUMN "request_id" bigint;
--> statement-breakpoint
ALTER TABLE "webhook_events" ADD COLUMN "ordinal" integer;
--> statement-breakpoint
-- applied | waiting | ignored | not_understood; NULL on rows older than this migration (read as
-- waiting when applied_at is NULL, else applied). `outcome` keeps the words: why, or what it did.
ALTER TABLE "webhook_events" ADD COLUMN "result" text;
--> statement-breakpoint
ALTER TABLE "webhook_events" ADD COLUMN "c2s_timestamp" text;
--> statement-breakpoint
-- A body that is not JSON has no payload; its raw form is in webhook_requests.
ALTER TABLE "webhook_events" ALTER COLUMN "payload" DROP NOT NULL;
--> statement-breakpoint
UPDATE "webhook_events" SET "result" = 'not_understood' WHERE "outcome" = 'unknown status';
--> statement-breakpoint
CREATE INDEX "webhook_events_not_understood_idx" ON "webhook_events" USING btree ("id") WHERE result = 'not_understood';
