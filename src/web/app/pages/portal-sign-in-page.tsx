import { useEffect, useRef, useState } from 'react';
import { createApiClient } from '../api/api-client.ts';
import { messageOf } from '../api/api-problem.ts';
import { switchyardApi } from '../api/switchyard-api.ts';
import type { Session } from '../session/session.ts';

/**
 * Where an app-portal link lands (`/app-portal#token=…`): the token is taken from the fragment (never sent to
 * the server in a URL), removed from the address bar, and resolved to the one application it may see.
 */
export function PortalSignInPage({ onSignIn }: { onSignIn: (session: Session) => void }) {
  const [error, setError] = useState<string>();
  // The token is read once: StrictMode runs effects twice in development, and the first run clears the hash.
  const started = useRef(false);

  useEffect(() => {
    if (started.current) return;
    started.current = true;
    const token = new URLSearchParams(location.hash.slice(1)).get('token');
    history.replaceState(null, '', location.pathname);
    if (!token) {
      setError('This link has no access token. Ask for a new dashboard link.');
      return;
    }
    switchyardApi(createApiClient(token, () => undefined))
      .listApps()
      .then((page) => {
        const app = page.data[0];
        if (!app) throw new Error('This link gives access to no application.');
        onSignIn({ kind: 'portal', token, appId: app.id });
      })
      .catch((caught: unknown) =>
        setError(`This dashboard link cannot be used (${messageOf(caught)}). Ask for a new one.`),
      );
  }, [onSignIn]);

  return (
    <main className="sign-in">
      <h1>Webhooks</h1>
      {error ? <p role="alert">{error}</p> : <p aria-live="polite">Opening your webhooks…</p>}
    </main>
  );
}
