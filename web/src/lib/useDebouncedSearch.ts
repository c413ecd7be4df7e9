import { useEffect, useState } from 'react';

/**
 * A search box's text, and the trimmed text to search for once typing pauses (300 ms): one request
 * per pause, not per key. `onSettled` runs with each new search (a list goes back to its first page).
 */
export function useDebouncedSearch(onSettled: () => void): { input: string; setInput: (v: string) => void; search: string } {
  const [input, setInput] = useState('');
  const [search, setSearch] = useState('');
  useEffect(() => {
    const t = window.setTimeout(() => {
      setSearch(input.trim());
      onSettled();
    }, 300);
    return () => window.clearTimeout(t);
    // onSettled is a setter-like callback; a new one each render must not restart the wait.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [input]);
  return { input, setInput, search };
}
