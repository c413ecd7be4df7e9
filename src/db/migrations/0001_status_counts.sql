CREATE TABLE "blast_status_counts" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"blast_id" bigint NOT NULL,
	"status" text NOT NULL,
	"n" bigint NOT NULL,
	"deliver_seconds" numeric DEFAULT '0' NOT NULL,
	"deliver_n" bigint DEFAULT 0 NOT NULL,
	"read_seconds" numeric DEFAULT '0' NOT NULL,
	"read_n" bigint DEFAULT 0 NOT NULL,
	"folded" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE INDEX "blast_status_counts_blast_idx" ON "blast_status_counts" USING btree ("blast_id");--> statement-breakpoint
CREATE INDEX "blast_status_counts_unfolded_idx" ON "blast_status_counts" USING btree ("blast_id") WHERE NOT folded;