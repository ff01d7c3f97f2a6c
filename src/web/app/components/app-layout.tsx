import { createContext, type ReactNode, useContext } from 'react';
import { ApiProblem, messageOf } from '../api/api-problem.ts';
import type { ApplicationOut } from '../api/openapi-types.ts';
import { useResource } from '../api/use-resource.ts';
import { Link } from '../router/link.tsx';
import { useLocation } from '../router/router.ts';
import { useSession } from '../session/session-context.tsx';

const SECTIONS = [
  { path: 'endpoints', label: 'Endpoints' },
  { path: 'catalog', label: 'Event catalog' },
  { path: 'logs', label: 'Logs' },
  { path: 'activity', label: 'Activity' },
  { path: 'settings', label: 'Settings' },
] as const;

const CurrentApp = createContext<ApplicationOut | undefined>(undefined);

/** The application whose pages are shown, once loaded. */
export function useCurrentApp(): ApplicationOut | undefined {
  return useContext(CurrentApp);
}

/** The frame of every page of one application: its name, the sections, and the way out. */
export function AppLayout({ appId, children }: { appId: string; children: ReactNode }) {
  const { api, session, signOut } = useSession();
  const { pathname } = useLocation();
  const app = useResource(() => api.getApp(appId), [api, appId]);
  const base = `/app/${appId}`;

  if (app.error) {
    const missing = app.error instanceof ApiProblem && app.error.status === 404;
    return (
      <main className="page narrow">
        <h1>{missing ? 'Application not found' : 'Something went wrong'}</h1>
        <p role="alert">
          {missing ? 'There is no application here that you may see.' : messageOf(app.error)}
        </p>
        {session.kind === 'portal' ? (
          <Link to={`/app/${session.appId}/endpoints`}>Back to your webhooks</Link>
        ) : (
          <Link to="/">Pick an application</Link>
        )}
      </main>
    );
  }

  return (
    <div className="shell">
      <header className="top-bar">
        <span className="brand">Webhooks</span>
        <span className="app-name">{app.data?.name ?? ''}</span>
        <span className="spacer" />
        {session.kind === 'operator' ? <Link to="/">Switch application</Link> : null}
        <button type="button" className="link-button" onClick={signOut}>
          Sign out
        </button>
      </header>
      <nav className="side-nav" aria-label="Sections">
        <ul>
          {SECTIONS.map((section) => {
            const href = `${base}/${section.path}`;
            const current = pathname === href || pathname.startsWith(`${href}/`);
            return (
              <li key={section.path}>
                <Link to={href} aria-current={current ? 'page' : undefined}>
                  {section.label}
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>
      <main className="content">
        <CurrentApp.Provider value={app.data}>{children}</CurrentApp.Provider>
      </main>
    </div>
  );
}
