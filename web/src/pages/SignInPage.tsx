import { useState, type FormEvent } from 'react';
import { api } from '../lib/api.ts';
import { ApiError } from '../lib/apiError.ts';
import { errorText } from '../lib/errorText.ts';
import { ErrorText } from '../components/ErrorText.tsx';
import { focusOnMount } from '../lib/focusOnMount.ts';

/** The only thing to do on this page: the token field takes the focus, described by what it is for. */
export function SignInPage({ onSignedIn }: { onSignedIn: () => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!token.trim()) {
      setError('Enter the access token.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api.signIn(token.trim());
      onSignedIn();
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 401
          ? 'That token is not right. Check it with whoever runs this wablast server (it is the API_TOKEN setting).'
          : errorText(err),
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card center-card" onSubmit={(e) => void submit(e)} noValidate>
      <h1>Sign in</h1>
      <p id="signin-hint" className="muted">
        This wablast server is protected. Enter its access token once; this browser remembers it.
      </p>
      <div className="field">
        <label htmlFor="token">Access token</label>
        <input
          ref={focusOnMount}
          id="token"
          name="token"
          type="password"
          autoComplete="current-password"
          value={token}
          onChange={(e) => setToken(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? 'signin-hint token-error' : 'signin-hint'}
        />
        <ErrorText id="token-error" messages={error} />
      </div>
      <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
