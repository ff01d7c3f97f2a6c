import { type FormEvent, useState } from 'react';
import { createApiClient } from '../api/api-client.ts';
import { ApiProblem, messageOf } from '../api/api-problem.ts';
import { switchyardApi } from '../api/switchyard-api.ts';
import { FieldError } from '../components/field-error.tsx';
import type { Session } from '../session/session.ts';

/** The operator signs in with the token `npm start` printed (also in `.switchyard/admin-token`). */
export function SignInPage({ onSignIn }: { onSignIn: (session: Session) => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!token.trim()) return setError('Paste the operator token.');
    setBusy(true);
    setError(undefined);
    try {
      await switchyardApi(createApiClient(token.trim(), () => undefined)).listApps();
      onSignIn({ kind: 'operator', token: token.trim() });
    } catch (caught) {
      setError(
        caught instanceof ApiProblem && caught.status === 401
          ? 'This token is not valid. Use the operator token that `npm start` printed, or the content of .switchyard/admin-token.'
          : messageOf(caught),
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="sign-in">
      <h1>Switchyard</h1>
      <p>Sign in with the operator token to manage every application's webhooks.</p>
      <form onSubmit={submit} noValidate>
        <label htmlFor="operator-token">Operator token</label>
        <input
          id="operator-token"
          type="password"
          autoComplete="current-password"
          value={token}
          onChange={(e) => setToken(e.target.value)}
          aria-invalid={error ? true : undefined}
          aria-describedby="operator-token-help operator-token-error"
        />
        <p id="operator-token-help" className="help">
          Printed by <code>npm start</code> on its first run and saved in <code>.switchyard/admin-token</code>
          .
        </p>
        <FieldError id="operator-token-error" message={error} />
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p className="help">
        Merchants do not sign in here: they open the link made for their application with{' '}
        <code>POST /api/v1/auth/app-portal-access/&#123;app_id&#125;</code>.
      </p>
    </main>
  );
}
