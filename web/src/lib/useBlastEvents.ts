import { api } from './api.ts';
import type { BlastEvent } from './types.ts';
import { type LiveStatus, useEventStream } from './useEventStream.ts';

/**
 * Follows a blast's funnel through its server-sent events (`report`, or unnamed). While the stream
 * is down, reads the blast every few seconds instead.
 */
export function useBlastEvents(id: number, onEvent: (e: BlastEvent) => void): LiveStatus {
  return useEventStream(
    `/api/blasts/${id}/events`,
    ['report', 'message'],
    (data) => {
      let event: BlastEvent;
      try {
        event = JSON.parse(data) as BlastEvent;
      } catch {
        return; // ignore a malformed message
      }
      onEvent(event);
    },
    async () => {
      const blast = await api.getBlast(id);
      onEvent({ blast_id: id, state: blast.state, report: blast.report });
    },
  );
}
