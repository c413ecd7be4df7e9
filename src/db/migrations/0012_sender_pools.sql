-- Sender pools and device health (issue 13).
--
-- A blast may send from several devices. blasts.device stays: it is the pool's first (primary)
-- device, the one the API has always shown. The pool itself is blast_devices, in the order given.
CREATE TABLE blast_devices (
  blast_id bigint NOT NULL REFERENCES blasts(id) ON DELETE CASCADE,
  device text NOT NULL,
  position smallint NOT NULL,
  PRIMARY KEY (blast_id, device)
);
--> statement-breakpoint
-- The claim asks "which sending blasts is this device in".
CREATE INDEX blast_devices_device_idx ON blast_devices (device, blast_id);
--> statement-breakpoint
INSERT INTO blast_devices (blast_id, device, position) SELECT id, device, 0 FROM blasts;
--> statement-breakpoint
-- The device a recipient is assigned to. Set when the blast is created for a phone some device
-- already messaged (sticky sender), or by the claim for a new phone; cleared again when a send is
-- proved not to have left (so a phone nobody messaged yet can move to another device).
ALTER TABLE blast_recipients ADD COLUMN device text;
--> statement-breakpoint
UPDATE blast_recipients r SET device = b.device FROM blasts b
WHERE b.id = r.blast_id AND (r.sent_at IS NOT NULL OR r.status IN ('SENDING', 'UNCERTAIN', 'FAILED'));
--> statement-breakpoint
-- The claim reads a device's assigned queue in order without walking other devices' rows.
CREATE INDEX blast_recipients_device_queue_idx ON blast_recipients (device, blast_id, id) WHERE status = 'QUEUED';
--> statement-breakpoint
-- Device health: a device's last settled sends (accepted or failed), newest first.
CREATE INDEX blast_recipients_device_settled_idx ON blast_recipients (device, (coalesce(sent_at, failed_at)) DESC)
  WHERE device IS NOT NULL AND (sent_at IS NOT NULL OR status = 'FAILED');
--> statement-breakpoint
-- Sticky sender: the device that first messaged a phone (accepted, or possibly sent: UNCERTAIN).
-- Written in the transaction that records the send. A table rather than derived from
-- blast_recipients because the claim and blast creation look a phone up by primary key, and
-- because the first sender must survive the pruning or deletion of the blast that sent it.
CREATE TABLE phone_senders (
  phone_number text PRIMARY KEY,
  device text NOT NULL,
  first_sent_at timestamptz NOT NULL DEFAULT now()
);
--> statement-breakpoint
INSERT INTO phone_senders (phone_number, device, first_sent_at)
SELECT DISTINCT ON (phone_number) phone_number, device, sent_at FROM blast_recipients
WHERE sent_at IS NOT NULL AND device IS NOT NULL
ORDER BY phone_number, sent_at, id;
--> statement-breakpoint
-- A paused device sends nothing, not even its own recipients, until a person resumes it. Paused
-- by hand, or by the engine when its error rate passes HEALTH_PAUSE_ERROR_RATE. health_since: the
-- error rate counts sends from here (a resume starts a fresh window).
ALTER TABLE devices ADD COLUMN paused_at timestamptz;
--> statement-breakpoint
ALTER TABLE devices ADD COLUMN paused_reason text;
--> statement-breakpoint
ALTER TABLE devices ADD COLUMN health_since timestamptz;
--> statement-breakpoint
-- Device health: messages a device sent that were never delivered ("probably blocked you" after 7 days).
CREATE INDEX blast_recipients_undelivered_idx ON blast_recipients (device, sent_at) WHERE status = 'PENDING';
