import { useEffect, useRef, useState } from 'react';

/**
 * A search box's text, and the trimmed text to search for once typing pauses (300 ms): one request
 * per pause, not per key. `onSettled` runs with each new search (a list goes back to its first page).
 */
export function useDebouncedSearch(onSettled: () => void): { input: string; setInput: (v: string) => void; search: string } {
  const [input, setInput] = useState('');
  const [search, setSearch] = useState('');
  // The latest onSettled, read when the wait ends: a new callback each render must not restart the wait.
  const settled = useRef(onSettled);
  settled.current = onSettled;
  // Only a different search settles: on the first render (or after typing back to the same text) the
  // wait would otherwise send the list back to its first page under a person who just paged on.
  const searched = useRef('');
  useEffect(() => {
    const next = input.trim();
    if (next === searched.current) return;
    const t = window.setTimeout(() => {
      searched.current = next;
      setSearch(next);
      settled.current();
    }, 300);
    return () => window.clearTimeout(t);
  }, [input]);
  return { input, setInput, search };
}
