import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { statusRankSql } from '../domain/status.ts';

const tz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const blasts = pgTable(
  'blasts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    tag: text('tag'),
    message: text('message').notNull(),
    followUpStage: text('follow_up_stage'),
    device: text('device').notNull(),
    state: text('state').notNull().default('draft'),
    scheduledAt: tz('scheduled_at'),
    parentBlastId: bigint('parent_blast_id', { mode: 'number' }),
    segment: text('segment'),
    totalRecipients: integer('total_recipients').notNull().default(0),
    lastError: text('last_error'),
    createdAt: tz('created_at').notNull().defaultNow(),
    startedAt: tz('started_at'),
    completedAt: tz('completed_at'),
    /** The sequence step this blast was created for (migration 0008); unique, so a step has at most one blast. */
    sequenceStepId: bigint('sequence_step_id', { mode: 'number' }),
    /** Set when the recipients were exported to archiveFile and deleted (src/archive/archiveBlasts.ts). */
    archivedAt: tz('archived_at'),
    archiveFile: text('archive_file'),
    // A blast's own pacing preset (issue 13); null: the device's.
    pacingPreset: text('pacing_preset'),
  },
  (t) => [
    index('blasts_created_idx').on(t.createdAt.desc(), t.id.desc()),
    uniqueIndex('blasts_sequence_step_uq').on(t.sequenceStepId).where(sql`sequence_step_id IS NOT NULL`),
    // The scheduler and the claim look only at blasts that are live.
    index('blasts_live_idx').on(t.state, t.scheduledAt).where(sql`state IN ('scheduled', 'sending')`),
  ],
);

export const blastRecipients = pgTable(
  'blast_recipients',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    blastId: bigint('blast_id', { mode: 'number' })
      .notNull()
      .references(() => blasts.id, { onDelete: 'cascade' }),
    phoneNumber: text('phone_number').notNull(),
    variables: jsonb('variables').$type<Record<string, string>>().notNull().default({}),
    messageId: text('message_id'),
    status: text('status').notNull().default('QUEUED'),
    statusRank: smallint('status_rank').generatedAlwaysAs(sql.raw(statusRankSql())),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: tz('next_attempt_at'),
    claimedBy: text('claimed_by'),
    claimedAt: tz('claimed_at'),
    lastError: text('last_error'),
    wsapmeMessageData: jsonb('wsapme_message_data'),
    messageC2sTimestamp: text('message_c2s_timestamp'),
    queuedAt: tz('queued_at').notNull().defaultNow(),
    sentAt: tz('sent_at'),
    deliveredAt: tz('delivered_at'),
    readAt: tz('read_at'),
    repliedAt: tz('replied_at'),
    closedAt: tz('closed_at'),
    failedAt: tz('failed_at'),
    nextPollAt: tz('next_poll_at'),
    pollCount: smallint('poll_count').notNull().default(0),
    /** What closing recorded (`won`, `lost` or null), a free note, and the status it closed from (for reopen). */
    closeOutcome: text('close_outcome'),
    closeNote: text('close_note'),
    closedFrom: text('closed_from'),
    /** The device this recipient is assigned to (sticky sender, or the claim's pick); migration 0008. */
    device: text('device'),
  },
  (t) => [
    uniqueIndex('blast_recipients_blast_phone_uq').on(t.blastId, t.phoneNumber),
    // Webhook lookups by message id; unique because one WSAPME message is one recipient.
    uniqueIndex('blast_recipients_message_id_uq').on(t.messageId).where(sql`message_id IS NOT NULL`),
    // The report groups one blast by status; the claim wants queued rows of a blast in id order.
    index('blast_recipients_blast_status_idx').on(t.blastId, t.status),
    index('blast_recipients_queue_idx').on(t.blastId, t.id).where(sql`status = 'QUEUED'`),
    index('blast_recipients_sending_idx').on(t.claimedBy).where(sql`status = 'SENDING'`),
    index('blast_recipients_phone_idx').on(t.phoneNumber, t.sentAt),
    index('blast_recipients_poll_idx').on(t.nextPollAt).where(sql`next_poll_at IS NOT NULL`),
    index('blast_recipients_device_queue_idx').on(t.device, t.blastId, t.id).where(sql`status = 'QUEUED'`),
    index('blast_recipients_device_settled_idx')
      .on(t.device, sql`(coalesce(sent_at, failed_at)) DESC`)
      .where(sql`device IS NOT NULL AND (sent_at IS NOT NULL OR status = 'FAILED')`),
    index('blast_recipients_undelivered_idx').on(t.device, t.sentAt).where(sql`status = 'PENDING'`),
  ],
);

/**
 * The report's counters, so GET /report reads a handful of rows instead of aggregating every
 * recipient of the blast. Rows are DELTAS: a statement-level trigger on blast_recipients (migration
 * 0002) appends, for each statement, one row per (blast, status) it changed — +1/-1 per recipient
 * and the stage-time sums behind the report's averages. The count of a status is the sum of its
 * rows. Append-only because a single hot counter row per blast would make every webhook batch wait
 * for every send batch's commit (and deadlock them when they touch two statuses in opposite orders);
 * the engine folds a blast's deltas back into one row per status every tick (blasts/statusCounts.ts).
 */
export const blastStatusCounts = pgTable(
  'blast_status_counts',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    blastId: bigint('blast_id', { mode: 'number' }).notNull(),
    status: text('status').notNull(),
    n: bigint('n', { mode: 'number' }).notNull(),
    /** Σ (delivered_at − sent_at) in seconds over recipients with both set, and how many they are. */
    deliverSeconds: numeric('deliver_seconds').notNull().default('0'),
    deliverN: bigint('deliver_n', { mode: 'number' }).notNull().default(0),
    /** Σ (read_at − sent_at) in seconds, and how many. */
    readSeconds: numeric('read_seconds').notNull().default('0'),
    readN: bigint('read_n', { mode: 'number' }).notNull().default(0),
    /** false for a trigger's delta, true for a row the fold wrote. */
    folded: boolean('folded').notNull().default(false),
  },
  (t) => [
    index('blast_status_counts_blast_idx').on(t.blastId),
    // The fold looks only for blasts with fresh deltas.
    index('blast_status_counts_unfolded_idx').on(t.blastId).where(sql`NOT folded`),
  ],
);

export const devices = pgTable('devices', {
  id: text('id').primaryKey(),
  label: text('label'),
  rate: doublePrecision('rate'),
  burst: integer('burst'),
  jitterMs: integer('jitter_ms'),
  dailyCap: integer('daily_cap'),
  enabled: boolean('enabled').notNull().default(true),
  leaseOwner: text('lease_owner'),
  leaseExpiresAt: tz('lease_expires_at'),
  // Set by an engine that found the lease taken: the holder hands the device over at its next turn.
  wantedAt: tz('wanted_at'),
  createdAt: tz('created_at').notNull().defaultNow(),
  // A held device sends nothing until a probe is accepted or a person resumes it (send/deviceHold).
  holdKind: text('hold_kind'),
  holdReason: text('hold_reason'),
  heldSince: tz('held_since'),
  heldUntil: tz('held_until'),
  holdBackoffMs: integer('hold_backoff_ms'),
  holdProbes: integer('hold_probes').notNull().default(0),
  // Pacing (domain/pacingRules): null means the environment's default.
  preset: text('preset'),
  sendWindow: text('send_window'),
  sendTimezone: text('send_timezone'),
  hourlyCap: integer('hourly_cap'),
  minGapMs: integer('min_gap_ms'),
  maxGapMs: integer('max_gap_ms'),
  inUseSince: date('in_use_since', { mode: 'string' }),
  warmSince: tz('warm_since'),
  lastSentAt: tz('last_sent_at'),
  // Paused by hand or by the health check (error rate): sends nothing until resumed (migration 0008).
  pausedAt: tz('paused_at'),
  pausedReason: text('paused_reason'),
  /** The health error rate counts sends from here: a resume starts a fresh window. */
  healthSince: tz('health_since'),
});

/** A blast's sender pool, in the order given; position 0 is blasts.device (migration 0008). */
export const blastDevices = pgTable(
  'blast_devices',
  {
    blastId: bigint('blast_id', { mode: 'number' })
      .notNull()
      .references(() => blasts.id, { onDelete: 'cascade' }),
    device: text('device').notNull(),
    position: smallint('position').notNull(),
  },
  (t) => [primaryKey({ columns: [t.blastId, t.device] }), index('blast_devices_device_idx').on(t.device, t.blastId)],
);

/** Sticky sender: the device that first messaged each phone (send/phoneSenders.ts). */
export const phoneSenders = pgTable('phone_senders', {
  phoneNumber: text('phone_number').primaryKey(),
  device: text('device').notNull(),
  firstSentAt: tz('first_sent_at').notNull().defaultNow(),
});

/** One row per message a device sent, at the engine's clock: the sliding hour and the local day of its caps. */
export const deviceSends = pgTable(
  'device_sends',
  {
    device: text('device').notNull(),
    sentAt: tz('sent_at').notNull(),
  },
  (t) => [index('device_sends_device_idx').on(t.device, t.sentAt)],
);

/** One row: whether the gateway answers status lookups (track/statusLookupState). */
export const statusLookup = pgTable('status_lookup', {
  id: smallint('id').primaryKey().default(1),
  available: boolean('available').notNull().default(true),
  reason: text('reason'),
  since: tz('since'),
  nextProbeAt: tz('next_probe_at'),
});

export const webhookEvents = pgTable(
  'webhook_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    receivedAt: tz('received_at').notNull().defaultNow(),
    kind: text('kind').notNull(),
    messageId: text('message_id'),
    status: text('status'),
    // null when the body was not JSON: its raw form is in webhook_requests.
    payload: jsonb('payload'),
    // null until the event found its recipient; unmatched status events wait for their send.
    appliedAt: tz('applied_at'),
    /** Why, or what it did, in words. */
    outcome: text('outcome'),
    /** The raw request it came in (webhook_requests.id) and its place in it; null before 0004. */
    requestId: bigint('request_id', { mode: 'number' }),
    ordinal: integer('ordinal'),
    /** applied | waiting | ignored | not_understood (null before 0004: read applied_at). */
    result: text('result'),
    c2sTimestamp: text('c2s_timestamp'),
  },
  (t) => [
    index('webhook_events_unmatched_idx').on(t.messageId).where(sql`applied_at IS NULL`),
    index('webhook_events_received_idx').on(t.receivedAt),
    index('webhook_events_not_understood_idx').on(t.id).where(sql`result = 'not_understood'`),
  ],
);

/** Every webhook request that passed the secret check, as received (see 0004_webhook_raw.sql). */
export const webhookRequests = pgTable(
  'webhook_requests',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    receivedAt: tz('received_at').notNull().defaultNow(),
    contentType: text('content_type'),
    body: text('body').notNull(),
    /** Where the secret came: path | query | header (whether the gateway keeps query strings). */
    secretIn: text('secret_in'),
  },
  (t) => [index('webhook_requests_received_idx').on(t.receivedAt)],
);

export const inboundMessages = pgTable(
  'inbound_messages',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    phoneNumber: text('phone_number').notNull(),
    text: text('text').notNull(),
    recipientId: bigint('recipient_id', { mode: 'number' }).references(() => blastRecipients.id, {
      onDelete: 'set null',
    }),
    receivedAt: tz('received_at').notNull().defaultNow(),
    payload: jsonb('payload').notNull(),
  },
  (t) => [
    index('inbound_messages_recipient_idx').on(t.recipientId),
    index('inbound_messages_received_idx').on(t.receivedAt.desc(), t.id.desc()),
    index('inbound_messages_phone_idx').on(t.phoneNumber, t.receivedAt),
  ],
);

/**
 * Stage events per (blast, UTC hour), one column per stage — the report by day's counters (migration 0007). Like
 * blast_status_counts these are deltas a statement-level trigger appends, folded by the engine
 * (reports/foldStageHours.ts); the count is the sum of the rows.
 */
export const blastStageHours = pgTable(
  'blast_stage_hours',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    blastId: bigint('blast_id', { mode: 'number' }).notNull(),
    hour: tz('hour').notNull(),
    sent: integer('sent').notNull().default(0),
    received: integer('received').notNull().default(0),
    read: integer('read').notNull().default(0),
    replied: integer('replied').notNull().default(0),
    closed: integer('closed').notNull().default(0),
    folded: boolean('folded').notNull().default(false),
  },
  (t) => [index('blast_stage_hours_hour_idx').on(t.hour), index('blast_stage_hours_unfolded_idx').on(t.blastId).where(sql`NOT folded`)],
);

export const optOuts = pgTable(
  'opt_outs',
  {
    phoneNumber: text('phone_number').primaryKey(),
    reason: text('reason'),
    /** reply | manual | import | probably_blocked (migration 0008; domain/optOutSource.ts). */
    source: text('source').notNull().default('manual'),
    createdAt: tz('created_at').notNull().defaultNow(),
  },
  (t) => [index('opt_outs_created_idx').on(t.createdAt.desc(), t.phoneNumber)],
);

export const deviceDailyCounts = pgTable(
  'device_daily_counts',
  {
    device: text('device').notNull(),
    day: text('day').notNull(),
    sent: integer('sent').notNull().default(0),
  },
  (t) => [uniqueIndex('device_daily_counts_pk').on(t.device, t.day)],
);

/** Where the business's own systems receive signed events (Standard Webhooks); see src/outbound/. */
export const webhookEndpoints = pgTable('webhook_endpoints', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  url: text('url').notNull(),
  events: text('events').array().notNull(),
  /** whsec_<base64 of 24 random bytes>. */
  secret: text('secret').notNull(),
  /** The secret before the last rotation: it keeps signing beside the new one for a grace period. */
  previousSecret: text('previous_secret'),
  rotatedAt: tz('rotated_at'),
  enabled: boolean('enabled').notNull().default(true),
  disabledReason: text('disabled_reason'),
  /** Set by the first failure after a success; an endpoint failing long enough is disabled. */
  failingSince: tz('failing_since'),
  createdAt: tz('created_at').notNull().defaultNow(),
});

/**
 * The outbox: one row per (event, endpoint), written by triggers (migration 0006) in the
 * transaction of the change it reports. `id` is the webhook-id, the same on every retry.
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: text('id').primaryKey().default(sql`'msg_' || replace(gen_random_uuid()::text, '-', '')`),
    seq: bigserial('seq', { mode: 'number' }).notNull(),
    endpointId: bigint('endpoint_id', { mode: 'number' })
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: 'cascade' }),
    type: text('type').notNull(),
    /** 'r:<recipient id>', 'b:<blast id>' or 'p:<phone>': events of one key go out in seq order. */
    orderingKey: text('ordering_key').notNull(),
    payload: jsonb('payload').notNull(),
    attempts: integer('attempts').notNull().default(0),
    /** Retrying lasts at least the retry window from here (creation, or a redelivery request). */
    retryFrom: tz('retry_from').notNull().defaultNow(),
    nextAttemptAt: tz('next_attempt_at').notNull().defaultNow(),
    lastAttemptAt: tz('last_attempt_at'),
    deliveredAt: tz('delivered_at'),
    givenUpAt: tz('given_up_at'),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    createdAt: tz('created_at').notNull().defaultNow(),
  },
  (t) => [
    index('webhook_deliveries_due_idx').on(t.nextAttemptAt).where(sql`delivered_at IS NULL AND given_up_at IS NULL`),
    index('webhook_deliveries_key_idx').on(t.endpointId, t.orderingKey, t.seq).where(sql`delivered_at IS NULL AND given_up_at IS NULL`),
    index('webhook_deliveries_log_idx').on(t.endpointId, t.seq),
  ],
);

/**
 * Dashboard sign-ins. Only a hash of the random session id is stored (a leaked table signs no one
 * in); `token_tag` ties the session to the API_TOKEN it was issued under, so rotating the token
 * ends every session. Sign-out sets `revoked_at`.
 */
export const sessions = pgTable(
  'sessions',
  {
    idHash: text('id_hash').primaryKey(),
    tokenTag: text('token_tag').notNull(),
    createdAt: tz('created_at').notNull().defaultNow(),
    expiresAt: tz('expires_at').notNull(),
    revokedAt: tz('revoked_at'),
  },
  (t) => [index('sessions_expires_idx').on(t.expiresAt)],
);

/**
 * A blast's sequence of automatic follow-ups (migration 0008, src/sequences/). The next step falls
 * due `delay_seconds` after `anchor_at`, the moment the blast it follows (`anchor_blast_id`) finished.
 */
export const sequences = pgTable(
  'sequences',
  {
    blastId: bigint('blast_id', { mode: 'number' })
      .primaryKey()
      .references(() => blasts.id, { onDelete: 'cascade' }),
    state: text('state').notNull().default('running'),
    anchorBlastId: bigint('anchor_blast_id', { mode: 'number' }).references(() => blasts.id, { onDelete: 'set null' }),
    anchorAt: tz('anchor_at'),
    createdAt: tz('created_at').notNull().defaultNow(),
    updatedAt: tz('updated_at').notNull().defaultNow(),
  },
  (t) => [index('sequences_live_idx').on(t.state).where(sql`state IN ('running', 'paused')`)],
);

export const sequenceSteps = pgTable(
  'sequence_steps',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    sequenceId: bigint('sequence_id', { mode: 'number' })
      .notNull()
      .references(() => sequences.blastId, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    segment: text('segment').notNull(),
    delaySeconds: integer('delay_seconds').notNull(),
    message: text('message').notNull(),
    followUpStage: text('follow_up_stage'),
    /** waiting | created | cancelled */
    state: text('state').notNull().default('waiting'),
    /** Set with the state, in the transaction that created the blast; unique. */
    blastId: bigint('blast_id', { mode: 'number' })
      .unique()
      .references(() => blasts.id, { onDelete: 'set null' }),
    dueAt: tz('due_at'),
    createdAt: tz('created_at'),
    recipients: integer('recipients'),
    note: text('note'),
  },
  (t) => [uniqueIndex('sequence_steps_sequence_id_position_key').on(t.sequenceId, t.position)],
);

/** The root blast's recipients as they follow the chain; at most one running sequence per phone. */
export const sequenceMembers = pgTable(
  'sequence_members',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    sequenceId: bigint('sequence_id', { mode: 'number' })
      .notNull()
      .references(() => sequences.blastId, { onDelete: 'cascade' }),
    phoneNumber: text('phone_number').notNull(),
    rootRecipientId: bigint('root_recipient_id', { mode: 'number' })
      .notNull()
      .references(() => blastRecipients.id, { onDelete: 'cascade' }),
    /** The row of the last message the sequence sent them: its status is their segment. */
    currentRecipientId: bigint('current_recipient_id', { mode: 'number' })
      .notNull()
      .references(() => blastRecipients.id, { onDelete: 'cascade' }),
    position: integer('position').notNull().default(0),
    joinedAt: tz('joined_at').notNull().defaultNow(),
    leftAt: tz('left_at'),
    leftReason: text('left_reason'),
    takenOverBy: bigint('taken_over_by', { mode: 'number' }),
  },
  (t) => [
    uniqueIndex('sequence_members_sequence_id_phone_number_key').on(t.sequenceId, t.phoneNumber),
    uniqueIndex('sequence_members_active_phone_uq').on(t.phoneNumber).where(sql`left_at IS NULL`),
    index('sequence_members_active_idx').on(t.sequenceId).where(sql`left_at IS NULL`),
  ],
);
