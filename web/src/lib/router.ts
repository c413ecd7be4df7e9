import { useEffect, useState } from 'react';

// A tiny hash router: #/ (blasts), #/new, #/blasts/:id, #/replies, #/contacts/:phone, #/reports, #/connection, #/opt-outs.

export type Route =
  | { page: 'list' }
  | { page: 'new' }
  | { page: 'detail'; id: number }
  | { page: 'replies' }
  | { page: 'contact'; phone: string }
  | { page: 'reports' }
  | { page: 'connection' }
  | { page: 'optouts' }
  | { page: 'notfound' };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '') || '/';
  if (path === '/' || path === '/blasts') return { page: 'list' };
  if (path === '/new') return { page: 'new' };
  if (path === '/replies') return { page: 'replies' };
  if (path === '/reports') return { page: 'reports' };
  const contact = /^\/contacts\/([^/]+)$/.exec(path);
  if (contact) {
    try {
      return { page: 'contact', phone: decodeURIComponent(contact[1]!) };
    } catch {
      return { page: 'notfound' };
    }
  }
  if (path === '/connection') return { page: 'connection' };
  if (path === '/opt-outs') return { page: 'optouts' };
  const m = /^\/blasts\/(\d+)$/.exec(path);
  if (m) return { page: 'detail', id: Number(m[1]) };
  return { page: 'notfound' };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

export function navigate(path: string): void {
  window.location.hash = path;
}

export const href = {
  list: '#/',
  new: '#/new',
  connection: '#/connection',
  optOuts: '#/opt-outs',
  blast: (id: number) => `#/blasts/${id}`,
  replies: '#/replies',
  reports: '#/reports',
  contact: (phone: string) => `#/contacts/${encodeURIComponent(phone)}`,
};
