import { useEffect, useRef, useState } from 'react';
import type { LiveStatus } from './useBlastEvents.ts';

/**
 * Calls `onChange` whenever the server-sent events stream at `url` says something changed (its
 * `change` events). While the stream is down, calls it every few seconds instead (polling) as
 * EventSource retries.
 */
export function useChangeEvents(url: string, onChange: () => void): LiveStatus {
  const [status, setStatus] = useState<LiveStatus>('connecting');
  const handler = useRef(onChange);
  handler.current = onChange;

  useEffect(() => {
    let closed = false;
    let pollTimer: number | undefined;
    const source = new EventSource(url, { withCredentials: true });
    const poll = () => {
      if (closed) return;
      handler.current();
      pollTimer = window.setTimeout(poll, 3000);
    };
    const stopPolling = () => {
      window.clearTimeout(pollTimer);
      pollTimer = undefined;
    };
    source.addEventListener('change', () => {
      setStatus('live');
      stopPolling();
      handler.current();
    });
    source.onopen = () => {
      setStatus('live');
      stopPolling();
    };
    source.onerror = () => {
      if (closed) return;
      setStatus('polling');
      if (pollTimer === undefined) poll();
    };
    return () => {
      closed = true;
      stopPolling();
      source.close();
    };
  }, [url]);

  return status;
}
