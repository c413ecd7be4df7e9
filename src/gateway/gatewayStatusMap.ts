import type { ProgressStatus } from '../domain/status.ts';
import { normaliseGatewayStatus } from './normaliseGatewayStatus.ts';

/** What a gateway status means on wablast's lattice: SERVER_ACK is still only "sent" (PENDING). */
export const GATEWAY_TO_LATTICE: Readonly<Record<string, ProgressStatus | 'ERROR'>> = Object.freeze({
  PENDING: 'PENDING',
  SERVER_ACK: 'PENDING',
  DELIVERY_ACK: 'DELIVERY_ACK',
  READ_ACK: 'READ_ACK',
  ERROR: 'ERROR',
});

/**
 * The lattice status a gateway status (any spelling or Baileys number) stands for, or null when
 * it is not one wablast can apply. The one map for webhooks and status lookups alike.
 */
export function latticeStatusOf(raw: unknown): ProgressStatus | 'ERROR' | null {
  return GATEWAY_TO_LATTICE[normaliseGatewayStatus(raw)] ?? null;
}
