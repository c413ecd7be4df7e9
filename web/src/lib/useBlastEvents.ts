import { useEffect, useRef, useState } from 'react';
import { api } from './api.ts';
import type { BlastEvent } from './types.ts';

export type LiveStatus = 'connecting' | 'live' | 'polling';

/**
 * Follows a blast's funnel through the server-sent events stream. If the stream cannot be opened
 * (or drops), falls back to polling the report every few seconds while EventSource retries.
 */
export function useBlastEvents(id: number, onEvent: (e: BlastEvent) => void): LiveStatus {
  const [status, setStatus] = useState<LiveStatus>('connecting');
  const handler = useRef(onEvent);
  handler.current = onEvent;

  useEffect(() => {
    let closed = false;
    let pollTimer: number | undefined;
    const source = new EventSource(`/api/blasts/${id}/events`, { withCredentials: true });

    const poll = async () => {
      if (closed) return;
      try {
        const blast = await api.getBlast(id);
        if (!closed) handler.current({ blast_id: id, state: blast.state, report: blast.report });
      } catch {
        // the page shows load errors; keep trying
      }
      if (!closed) pollTimer = window.setTimeout(() => void poll(), 3000);
    };
    const stopPolling = () => {
      window.clearTimeout(pollTimer);
      pollTimer = undefined;
    };

    const onReport = (ev: MessageEvent<string>) => {
      try {
        const data = JSON.parse(ev.data) as BlastEvent;
        setStatus('live');
        stopPolling();
        handler.current(data);
      } catch {
        // ignore a malformed message
      }
    };
    source.addEventListener('report', onReport as EventListener);
    source.onmessage = onReport; // tolerate a stream without `event: report`
    source.onopen = () => {
      setStatus('live');
      stopPolling();
    };
    source.onerror = () => {
      if (closed) return;
      setStatus('polling');
      if (pollTimer === undefined) void poll();
    };

    return () => {
      closed = true;
      stopPolling();
      source.close();
    };
  }, [id]);

  return status;
}
