import { messageOf } from '../api/api-problem.ts';
import { useResource } from '../api/use-resource.ts';
import { ConnectorLogo } from '../components/connector-logo.tsx';
import { Link } from '../router/link.tsx';
import { useLocation } from '../router/router.ts';
import { useSession } from '../session/session-context.tsx';
import { EndpointAdvanced } from './endpoint-advanced.tsx';
import { EndpointOverview } from './endpoint-overview.tsx';
import { EndpointTesting } from './endpoint-testing.tsx';
import { LogsPage } from './logs-page.tsx';

const TABS = [
  { id: 'overview', label: 'Overview' },
  { id: 'testing', label: 'Testing' },
  { id: 'advanced', label: 'Advanced' },
  { id: 'logs', label: 'Logs' },
] as const;

/** One endpoint, in tabs. */
export function EndpointDetailPage({ appId, endpointId }: { appId: string; endpointId: string }) {
  const { api } = useSession();
  const { search } = useLocation();
  const endpoint = useResource(() => api.getEndpoint(appId, endpointId), [api, appId, endpointId]);
  const connectors = useResource(() => api.listConnectors(), [api]);
  const tab = TABS.find((t) => t.id === search.get('tab'))?.id ?? 'overview';
  const base = `/app/${appId}/endpoints/${endpointId}`;
  const data = endpoint.data;
  const logo = connectors.data?.data.find((c) => c.id === data?.connector?.id)?.logo;

  if (endpoint.error) return <p role="alert">{messageOf(endpoint.error)}</p>;
  if (!data) return <p aria-live="polite">Loading…</p>;
  return (
    <>
      <p>
        <Link to={`/app/${appId}/endpoints`}>← Endpoints</Link>
      </p>
      <header className="page-header">
        <h1 className="with-logo">
          {logo ? <ConnectorLogo svg={logo} size={32} /> : null}
          {data.connector?.name ?? data.url}
        </h1>
      </header>
      {search.get('status') === 'connected' ? (
        <p className="notice" role="status">
          Reconnected: deliveries use the new authorization.
        </p>
      ) : null}
      {search.get('status') === 'failed' ? (
        <p className="field-error" role="alert">
          Reconnecting failed ({search.get('error') ?? 'unknown error'}): the endpoint keeps its previous
          connection. Try again.
        </p>
      ) : null}
      {search.get('created') ? (
        <p className="notice" role="status">
          Endpoint created. Events will now flow to it.
        </p>
      ) : null}
      {data.description ? <p>{data.description}</p> : null}
      <nav className="tabs" aria-label="Endpoint">
        {TABS.map((t) => (
          <Link key={t.id} to={`${base}?tab=${t.id}`} aria-current={tab === t.id ? 'page' : undefined}>
            {t.label}
          </Link>
        ))}
      </nav>
      {tab === 'overview' ? (
        <EndpointOverview appId={appId} endpoint={data} onChange={endpoint.reload} />
      ) : null}
      {tab === 'testing' ? <EndpointTesting appId={appId} endpoint={data} /> : null}
      {tab === 'advanced' ? (
        <EndpointAdvanced appId={appId} endpoint={data} onChange={endpoint.reload} />
      ) : null}
      {tab === 'logs' ? <LogsPage appId={appId} fixedEndpointId={data.id} /> : null}
    </>
  );
}
