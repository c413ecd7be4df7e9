import type { SimOptions } from '../../sim/simOptions.ts';

/**
 * Simulated phones that receive every message and do nothing else: no read, reply, STOP or
 * failure of their own. The test posts every read and reply itself, so who is in which segment
 * when a sequence step falls due is decided by the test alone.
 */
export const QUIET_PHONES = {
  deliverProbability: 1,
  readProbability: 0,
  replyProbability: 0,
  replyWithoutReadProbability: 0,
  stopProbability: 0,
  errorProbability: 0,
} satisfies Partial<SimOptions>;
