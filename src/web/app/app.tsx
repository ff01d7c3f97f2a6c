import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { AppLayout } from './components/app-layout.tsx';
import { ActivityPage } from './pages/activity-page.tsx';
import { AppPickerPage } from './pages/app-picker-page.tsx';
import { EndpointsPage } from './pages/endpoints-page.tsx';
import { EventCatalogPage } from './pages/event-catalog-page.tsx';
import { LogsPage } from './pages/logs-page.tsx';
import { OAuthPopupDonePage } from './pages/oauth-popup-done-page.tsx';
import { PortalSignInPage } from './pages/portal-sign-in-page.tsx';
import { SettingsPage } from './pages/settings-page.tsx';
import { SignInPage } from './pages/sign-in-page.tsx';
import { navigate, useLocation } from './router/router.ts';
import { loadSession, type Session, saveSession } from './session/session.ts';
import { SessionProvider } from './session/session-context.tsx';

// The pages with the code editor load it on demand, so that sign-in, lists and logs start fast.
const AddEndpointPage = lazy(async () => ({
  default: (await import('./pages/add-endpoint-page.tsx')).AddEndpointPage,
}));
const EndpointDetailPage = lazy(async () => ({
  default: (await import('./pages/endpoint-detail-page.tsx')).EndpointDetailPage,
}));

function AppPages({ appId, rest }: { appId: string; rest: string[] }) {
  const [section, id] = rest;
  let page: React.ReactNode;
  if (section === 'endpoints' && id === 'new') page = <AddEndpointPage appId={appId} />;
  else if (section === 'endpoints' && id) page = <EndpointDetailPage appId={appId} endpointId={id} />;
  else if (section === 'logs') page = <LogsPage appId={appId} />;
  else if (section === 'catalog') page = <EventCatalogPage />;
  else if (section === 'activity') page = <ActivityPage appId={appId} />;
  else if (section === 'settings') page = <SettingsPage appId={appId} />;
  else page = <EndpointsPage appId={appId} />;
  return (
    <AppLayout appId={appId}>
      <Suspense fallback={<p aria-live="polite">Loading…</p>}>{page}</Suspense>
    </AppLayout>
  );
}

/** Routes by path: sign-in, app-portal landing, the operator's app picker, then one app's pages. */
export function App() {
  const [session, setSession] = useState(loadSession);
  const { pathname, search } = useLocation();

  const signIn = useCallback((next: Session) => {
    saveSession(next);
    setSession(next);
    if (next.kind === 'portal') navigate(`/app/${next.appId}/endpoints`, { replace: true });
  }, []);
  const signOut = useCallback(() => {
    saveSession(undefined);
    setSession(undefined);
  }, []);

  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const portalHome = session?.kind === 'portal' && parts.length === 0;
  useEffect(() => {
    if (portalHome && session?.kind === 'portal')
      navigate(`/app/${session.appId}/endpoints`, { replace: true });
  }, [portalHome, session]);

  if (parts[0] === 'app-portal') return <PortalSignInPage onSignIn={signIn} />;
  if (search.get('popup') === '1' && search.get('status')) {
    return <OAuthPopupDonePage connected={search.get('status') === 'connected'} />;
  }
  if (!session) return <SignInPage onSignIn={signIn} />;
  return (
    <SessionProvider session={session} onSignOut={signOut}>
      {parts[0] === 'app' && parts[1] ? (
        <AppPages appId={parts[1]} rest={parts.slice(2)} />
      ) : (
        <AppPickerPage />
      )}
    </SessionProvider>
  );
}
