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
  useEffect(() => {
    const t = window.setTimeout(() => {
      setSearch(input.trim());
      settled.current();
    }, 300);
    return () => window.clearTimeout(t);
  }, [input]);
  return { input, setInput, search };
}
