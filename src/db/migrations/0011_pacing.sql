-- Deliverability pacing (issue 13): presets, send windows, hourly caps and warm-up per device, a
-- preset per blast, and a log of sends per device. Every new device column is nullable: null means
-- "the environment's default" (config PACING_PRESET, SEND_WINDOW, SEND_TIMEZONE, HOURLY_CAP, …).
ALTER TABLE devices ADD COLUMN preset text CHECK (preset IN ('fast', 'safe', 'warm-up', 'custom'));
--> statement-breakpoint
ALTER TABLE devices ADD COLUMN send_window text;
--> statement-breakpoint
ALTER TABLE devices ADD COLUMN send_timezone text;
--> statement-breakpoint
ALTER TABLE devices ADD COLUMN hourly_cap integer CHECK (hourly_cap > 0);
--> statement-breakpoint
ALTER TABLE devices ADD COLUMN min_gap_ms integer CHECK (min_gap_ms >= 0);
--> statement-breakpoint
ALTER TABLE devices ADD COLUMN max_gap_ms integer CHECK (max_gap_ms >= 0);
--> statement-breakpoint
-- Declared by the operator: the number has been in daily use since this day (warm-up counts from it).
ALTER TABLE devices ADD COLUMN in_use_since date;
--> statement-breakpoint
-- Kept by the engine: the first send of the current run without a 72 h silence, and the last send.
ALTER TABLE devices ADD COLUMN warm_since timestamptz;
--> statement-breakpoint
ALTER TABLE devices ADD COLUMN last_sent_at timestamptz;
--> statement-breakpoint
ALTER TABLE blasts ADD COLUMN pacing_preset text CHECK (pacing_preset IN ('fast', 'safe', 'warm-up', 'custom'));
--> statement-breakpoint
-- One row per message a device sent, at the engine's clock: the sliding hour and the day in the
-- device's own time zone are counted from it (device_daily_counts counts UTC days and cannot say
-- what was sent in the last hour). The engine prunes rows older than eight days.
CREATE TABLE device_sends (
  device text NOT NULL,
  sent_at timestamptz NOT NULL
);
--> statement-breakpoint
CREATE INDEX device_sends_device_idx ON device_sends (device, sent_at);
