import { messageOf } from '../api/api-problem.ts';
import { DAY_MS, errorRate, formatRate, healthOf } from '../api/endpoint-health.ts';
import { useResource } from '../api/use-resource.ts';
import { ConnectorLogo } from '../components/connector-logo.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { Link } from '../router/link.tsx';
import { useSession } from '../session/session-context.tsx';

/** The app's endpoints with status, 24-hour error rate and the card they were made from. */
export function EndpointsPage({ appId }: { appId: string }) {
  const { api } = useSession();
  const connectors = useResource(() => api.listConnectors(), [api]);
  const endpoints = useResource(async () => {
    const since = new Date(Date.now() - DAY_MS).toISOString();
    const page = await api.listEndpoints(appId);
    const stats = await Promise.all(page.data.map((e) => api.endpointStats(appId, e.id, since)));
    return page.data.map((endpoint, i) => ({ endpoint, stats: stats[i] }));
  }, [api, appId]);
  const logos = new Map((connectors.data?.data ?? []).map((c) => [c.id, c.logo]));

  return (
    <>
      <header className="page-header">
        <h1>Endpoints</h1>
        <Link className="button primary" to={`/app/${appId}/endpoints/new`}>
          + Add Endpoint
        </Link>
      </header>
      {endpoints.error ? <p role="alert">{messageOf(endpoints.error)}</p> : null}
      {endpoints.loading && !endpoints.data ? <p aria-live="polite">Loading…</p> : null}
      {endpoints.data?.length === 0 ? (
        <div className="empty">
          <h2>No endpoints yet</h2>
          <p>
            An endpoint is where events go: your own server's URL, or a tool such as Segment or Customer.io.
            Add one to start receiving payment events.
          </p>
          <Link className="button primary" to={`/app/${appId}/endpoints/new`}>
            + Add Endpoint
          </Link>
        </div>
      ) : null}
      {endpoints.data?.length ? (
        <table className="list">
          <thead>
            <tr>
              <th scope="col">Endpoint</th>
              <th scope="col">Status</th>
              <th scope="col">Error rate (24 h)</th>
              <th scope="col">Events</th>
            </tr>
          </thead>
          <tbody>
            {endpoints.data.map(({ endpoint, stats }) => {
              const logo = endpoint.connector ? logos.get(endpoint.connector.id) : undefined;
              return (
                <tr key={endpoint.id}>
                  <td>
                    <Link className="endpoint-link" to={`/app/${appId}/endpoints/${endpoint.id}`}>
                      {logo ? <ConnectorLogo svg={logo} size={24} /> : null}
                      <span>
                        <strong>{endpoint.connector?.name ?? endpoint.url}</strong>
                        <span className="muted">
                          {endpoint.description || (endpoint.connector ? endpoint.url : '')}
                        </span>
                      </span>
                    </Link>
                  </td>
                  <td>
                    <StatusBadge health={healthOf(endpoint, stats)} />
                  </td>
                  <td>{formatRate(errorRate(stats))}</td>
                  <td>{endpoint.eventTypes?.length ? endpoint.eventTypes.join(', ') : 'All events'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : null}
    </>
  );
}
