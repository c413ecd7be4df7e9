import { useEffect, useRef, useState } from 'react';

export type LiveStatus = 'connecting' | 'live' | 'polling';

const POLL_MS = 3000;

/**
 * Follows a server-sent events stream: `onEvent` gets the data of each of its `events` ('message'
 * is an event without a name). While the stream cannot be opened or has dropped, and EventSource
 * retries by itself, `poll` runs every few seconds instead, until the stream is back.
 */
export function useEventStream(
  url: string,
  events: readonly string[],
  onEvent: (data: string) => void,
  poll: () => void | Promise<void>,
): LiveStatus {
  const [status, setStatus] = useState<LiveStatus>('connecting');
  const handlers = useRef({ onEvent, poll });
  handlers.current = { onEvent, poll };
  const names = events.join(' ');

  useEffect(() => {
    let closed = false;
    let polling = false;
    let pollTimer: number | undefined;
    const source = new EventSource(url, { withCredentials: true });

    const tick = async () => {
      if (closed || !polling) return;
      try {
        await handlers.current.poll();
      } catch {
        // the page shows load errors; keep trying
      }
      if (!closed && polling) pollTimer = window.setTimeout(() => void tick(), POLL_MS);
    };
    const live = () => {
      setStatus('live');
      polling = false;
      window.clearTimeout(pollTimer);
    };
    const onMessage = (ev: MessageEvent<string>) => {
      live();
      handlers.current.onEvent(ev.data);
    };
    for (const name of names.split(' ')) source.addEventListener(name, onMessage as EventListener);
    source.onopen = live;
    source.onerror = () => {
      if (closed) return;
      setStatus('polling');
      if (polling) return;
      polling = true;
      void tick();
    };

    return () => {
      closed = true;
      window.clearTimeout(pollTimer);
      source.close();
    };
  }, [url, names]);

  return status;
}
