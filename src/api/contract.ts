/**
 * The HTTP API's answers, written once: each type here is inferred from the response schema the
 * route serializes through and /docs is generated from (src/api/*Answers.ts), so the server's
 * use-cases, the dashboard (web/src/lib/types.ts) and the CLI share one definition, and a field
 * added to a schema is a compile error wherever it is not handled. Types only: web/ type-checks
 * this file without Node.
 */
import type { z } from 'zod';
import type { BlastState } from '../blasts/blastStates.ts';
import type { CreateWarning } from '../domain/countryNote.ts';
import type { Funnel } from '../domain/funnel.ts';
import type { PacingPreset } from '../domain/pacingRules.ts';
import type { OptOutSource } from '../domain/optOutSource.ts';
import type { CloseOutcome } from '../domain/reopen.ts';
import type { StageFunnel } from '../domain/stageFunnel.ts';
import type { ChainStage, StepState } from '../domain/sequence.ts';
import type { Status } from '../domain/status.ts';
import type { Variation } from '../domain/variation.ts';
import type { EventResult } from '../webhooks/webhookEvent.ts';
import type { page } from './answerParts.ts';
import type * as blast from './blastAnswers.ts';
import type * as connection from './connectionAnswers.ts';
import type * as device from './deviceAnswers.ts';
import type * as inbox from './inboxAnswers.ts';
import type * as recipient from './recipientAnswers.ts';
import type * as sequence from './sequenceAnswers.ts';
import type * as webhook from './webhookAnswers.ts';

export type { BlastState, CloseOutcome, OptOutSource, PacingPreset, StageFunnel, Status, Variation };
export { CONTACT_TIMES } from './inboxAnswers.ts';

export type Page = z.infer<typeof page>;

export type Report = z.infer<typeof blast.reportAnswer>;
export type SendPlan = z.infer<typeof blast.sendPlanAnswer>;
export type BlastRow = z.infer<typeof blast.blastRowAnswer>;
export type BlastView = z.infer<typeof blast.blastViewAnswer>;
export type BlastList = z.infer<typeof blast.blastListAnswer>;
export type InvalidRecipient = z.infer<typeof blast.invalidRecipientAnswer>;
export type RecentlyMessaged = z.infer<typeof blast.recentlyMessagedAnswer>;
export type CreateBlastResult = z.infer<typeof blast.createBlastAnswer>;
export type ResendResult = z.infer<typeof blast.resendAnswer>;
export type SendAnswer = z.infer<typeof blast.sendAnswer>;
export type ArchiveAnswer = z.infer<typeof blast.archiveAnswer>;

export type RecipientView = z.infer<typeof recipient.recipientAnswer>;
export type RecipientListItem = z.infer<typeof recipient.recipientListItemAnswer>;
export type RecipientList = z.infer<typeof recipient.recipientListAnswer>;
export type CheckStatusAnswer = z.infer<typeof recipient.checkStatusAnswer>;

export type OptOutView = z.infer<typeof inbox.optOutAnswer>;
export type OptOutList = z.infer<typeof inbox.optOutListAnswer>;
export type OptOutImport = z.infer<typeof inbox.optOutImportAnswer>;
export type ReplyView = z.infer<typeof inbox.replyAnswer>;
export type ReplyList = z.infer<typeof inbox.replyListAnswer>;
export type ContactTime = (typeof inbox.CONTACT_TIMES)[number];
export type ContactMessage = z.infer<typeof inbox.contactMessageAnswer>;
export type ContactTimeline = z.infer<typeof inbox.contactTimelineAnswer>;
export type ReportGroupBy = z.infer<typeof inbox.reportGroupBy>;
export type FunnelGroup = z.infer<typeof inbox.funnelGroupAnswer>;
export type FunnelReport = z.infer<typeof inbox.funnelReportAnswer>;

export type SendingState = z.infer<typeof device.sendingStateAnswer>;
export type DeviceHealth = z.infer<typeof device.deviceHealthAnswer>;
export type DeviceView = z.infer<typeof device.deviceAnswer>;
export type DeviceWithHealth = z.infer<typeof device.deviceWithHealthAnswer>;
export type ProbablyBlockedList = z.infer<typeof device.probablyBlockedListAnswer>;

export type ConnectionCheck = z.infer<typeof connection.connectionCheckAnswer>;
export type DeviceSending = z.infer<typeof connection.deviceSendingAnswer>;
export type LastWebhookShown = z.infer<typeof connection.lastWebhookAnswer>;
export type ConnectionReport = z.infer<typeof connection.connectionReportAnswer>;
export type TestMessageAnswer = z.infer<typeof connection.testMessageAnswer>;
export type Meta = z.infer<typeof connection.metaAnswer>;

export type StepView = z.infer<typeof sequence.stepAnswer>;
export type SequenceView = z.infer<typeof sequence.sequenceAnswer>;
export type ChainReport = z.infer<typeof sequence.chainReportAnswer>;

export type WebhookEventList = z.infer<typeof webhook.webhookEventListAnswer>;

/**
 * The answers repeat shapes the pure modules define (the funnel, the variation, a create
 * warning…): these fail to compile the day the two drift apart.
 */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Holds<T extends true> = T;
export type ContractMatchesDomain = [
  Holds<Same<z.infer<typeof blast.funnelAnswer>, Funnel>>,
  Holds<Same<z.infer<typeof blast.blastState>, BlastState>>,
  Holds<Same<z.infer<typeof blast.pacingPreset>, PacingPreset>>,
  Holds<Same<z.infer<typeof blast.createWarningAnswer>, CreateWarning>>,
  Holds<Same<z.infer<typeof blast.variationAnswer>, Variation>>,
  Holds<Same<z.infer<typeof recipient.status>, Status>>,
  Holds<Same<z.infer<typeof recipient.closeOutcome>, CloseOutcome>>,
  Holds<Same<z.infer<typeof inbox.optOutSource>, OptOutSource>>,
  Holds<Same<z.infer<typeof inbox.stageFunnelAnswer>, StageFunnel>>,
  Holds<Same<z.infer<typeof sequence.chainStageAnswer>, ChainStage>>,
  Holds<Same<StepView['state'], StepState>>,
  Holds<Same<z.infer<typeof webhook.eventResult>, EventResult>>,
];
