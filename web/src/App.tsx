import { type ReactNode, useCallback, useEffect, useRef, useState } from 'react';
import { api } from './lib/api.ts';
import { ApiError } from './lib/apiError.ts';
import { onUnauthorized } from './lib/request.ts';
import { errorText } from './lib/errorText.ts';
import { useRoute } from './lib/router.ts';
import type { Meta } from './lib/types.ts';
import { Header } from './components/Header.tsx';
import { SimulatorBanner } from './components/SimulatorBanner.tsx';
import { BlastsPage } from './pages/BlastsPage.tsx';
import { NewBlastPage } from './pages/NewBlastPage.tsx';
import { BlastDetailPage } from './pages/BlastDetailPage.tsx';
import { SignInPage } from './pages/SignInPage.tsx';
import { NotFoundPage } from './pages/NotFoundPage.tsx';
import { RepliesPage } from './pages/RepliesPage.tsx';
import { ContactPage } from './pages/ContactPage.tsx';
import { ReportsPage } from './pages/ReportsPage.tsx';
import { ConnectionPage } from './pages/ConnectionPage.tsx';
import { OptOutsPage } from './pages/OptOutsPage.tsx';

type Auth = 'checking' | 'signed-in' | 'signed-out';

export function App() {
  const route = useRoute();
  const [meta, setMeta] = useState<Meta | null>(null);
  const [metaError, setMetaError] = useState<string | null>(null);
  const [auth, setAuth] = useState<Auth>('checking');

  const load = useCallback(async () => {
    setMetaError(null);
    try {
      const m = await api.meta();
      setMeta(m);
      if (!m.auth_required) {
        setAuth('signed-in');
        return;
      }
      try {
        await api.listBlasts(1, 0);
        setAuth('signed-in');
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) setAuth('signed-out');
        else throw err;
      }
    } catch (err) {
      setMetaError(errorText(err));
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  useEffect(() => onUnauthorized(() => setAuth('signed-out')), []);

  // Keep the simulator banner honest if the server is restarted with another configuration.
  useEffect(() => {
    const t = window.setInterval(() => {
      api.meta().then(setMeta, () => undefined);
    }, 60_000);
    return () => window.clearInterval(t);
  }, []);

  // On a page change (not the first page shown), move focus to the content so keyboard and
  // screen-reader users start there.
  const shownRoute = useRef(route);
  useEffect(() => {
    if (shownRoute.current === route) return;
    shownRoute.current = route;
    document.getElementById('main')?.focus({ preventScroll: true });
    window.scrollTo(0, 0);
  }, [route]);

  useEffect(() => {
    const titles = {
      list: 'Blasts',
      new: 'New blast',
      detail: 'Blast',
      replies: 'Replies',
      contact: 'Contact',
      reports: 'Reports',
      connection: 'Connection',
      optouts: 'Opt-outs',
      notfound: 'Not found',
    } as const;
    document.title = auth === 'signed-out' ? 'Sign in · wablast' : `${titles[route.page]} · wablast`;
  }, [route, auth]);

  const signOut = async () => {
    try {
      await api.signOut();
    } finally {
      setAuth('signed-out');
    }
  };

  let body: ReactNode;
  if (metaError) {
    body = (
      <div className="card center-card" role="alert">
        <h1>Cannot load wablast</h1>
        <p>{metaError}</p>
        <button type="button" className="btn btn-primary" onClick={() => void load()}>
          Try again
        </button>
      </div>
    );
  } else if (!meta || auth === 'checking') {
    body = <p className="muted loading">Loading…</p>;
  } else if (auth === 'signed-out') {
    body = <SignInPage onSignedIn={() => setAuth('signed-in')} />;
  } else if (route.page === 'list') {
    body = <BlastsPage />;
  } else if (route.page === 'new') {
    body = <NewBlastPage meta={meta} />;
  } else if (route.page === 'connection') {
    body = <ConnectionPage />;
  } else if (route.page === 'detail') {
    body = <BlastDetailPage key={route.id} id={route.id} />;
  } else if (route.page === 'replies') {
    body = <RepliesPage />;
  } else if (route.page === 'contact') {
    body = <ContactPage key={route.phone} phone={route.phone} />;
  } else if (route.page === 'optouts') {
    body = <OptOutsPage />;
  } else if (route.page === 'reports') {
    body = <ReportsPage />;
  } else {
    body = <NotFoundPage />;
  }

  return (
    <>
      {/* A button, not a link to #main: the hash is the router's. */}
      <button type="button" className="skip-link" onClick={() => document.getElementById('main')?.focus()}>
        Skip to content
      </button>
      {meta?.simulator && <SimulatorBanner />}
      <Header
        page={route.page}
        showNav={auth === 'signed-in'}
        canSignOut={Boolean(meta?.auth_required) && auth === 'signed-in'}
        onSignOut={() => void signOut()}
        version={meta?.version}
      />
      <main id="main" tabIndex={-1} className="main">
        {body}
      </main>
    </>
  );
}
