import { useState } from 'react';
import { messageOf } from '../api/api-problem.ts';
import { useResource } from '../api/use-resource.ts';
import { Link } from '../router/link.tsx';
import { useSession } from '../session/session-context.tsx';

/** The operator's first page: every application (one per merchant), searchable. */
export function AppPickerPage() {
  const { api, signOut } = useSession();
  const apps = useResource(() => api.listApps(), [api]);
  const [query, setQuery] = useState('');
  const needle = query.trim().toLowerCase();
  const shown = (apps.data?.data ?? []).filter(
    (app) => !needle || `${app.name} ${app.uid ?? ''} ${app.id}`.toLowerCase().includes(needle),
  );

  return (
    <main className="page narrow">
      <header className="page-header">
        <h1>Applications</h1>
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </header>
      <p>Pick the application (merchant) whose webhooks you want to see or change.</p>
      <label htmlFor="app-search">Search applications</label>
      <input
        id="app-search"
        type="search"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        placeholder="Name, uid or id"
      />
      {apps.error ? <p role="alert">{messageOf(apps.error)}</p> : null}
      {apps.loading && !apps.data ? <p aria-live="polite">Loading…</p> : null}
      {apps.data && apps.data.data.length === 0 ? (
        <div className="empty">
          <h2>No applications yet</h2>
          <p>
            Create one per merchant with the API, then come back:
            <br />
            <code>POST /api/v1/app</code> with <code>{'{"name": "Acme Inc", "uid": "acme"}'}</code>.
          </p>
        </div>
      ) : null}
      <ul className="app-list">
        {shown.map((app) => (
          <li key={app.id}>
            <Link to={`/app/${app.id}/endpoints`}>
              <strong>{app.name}</strong>
              <span className="muted">{app.uid ?? app.id}</span>
            </Link>
          </li>
        ))}
      </ul>
      {apps.data && apps.data.data.length > 0 && shown.length === 0 ? (
        <p>No application matches “{query}”.</p>
      ) : null}
    </main>
  );
}
