import { messageOf } from '../api/api-problem.ts';
import { DAY_MS, errorRate, formatRate, healthOf } from '../api/endpoint-health.ts';
import { useResource } from '../api/use-resource.ts';
import { ActivityChart } from '../components/activity-chart.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { Link } from '../router/link.tsx';
import { useSearchParams } from '../router/use-search-params.ts';
import { useSession } from '../session/session-context.tsx';

const HOUR = 3_600_000;
const PERIODS = [
  { id: '6h', label: 'Last 6 hours, by 5 minutes', ms: 6 * HOUR, bucket: '5m' },
  { id: '24h', label: 'Last 24 hours, by hour', ms: 24 * HOUR, bucket: '1h' },
  { id: '30d', label: 'Last 30 days, by day', ms: 720 * HOUR, bucket: '1d' },
] as const;

/** Deliveries over time for the app or one endpoint, and each endpoint's last 24 hours. */
export function ActivityPage({ appId }: { appId: string }) {
  const { api } = useSession();
  const [params, setParams] = useSearchParams();
  const period = PERIODS.find((p) => p.id === params.get('period')) ?? PERIODS[1];
  const endpointId = params.get('endpoint') ?? undefined;
  const endpoints = useResource(() => api.listEndpoints(appId), [api, appId]);
  const activity = useResource(
    () =>
      api.activity(appId, {
        since: new Date(Date.now() - period.ms).toISOString(),
        bucket: period.bucket,
        endpointId,
      }),
    [api, appId, period, endpointId],
  );
  const daily = useResource(async () => {
    const since = new Date(Date.now() - DAY_MS).toISOString();
    const list = (await api.listEndpoints(appId)).data;
    const stats = await Promise.all(list.map((e) => api.endpointStats(appId, e.id, since)));
    return list.map((endpoint, i) => ({ endpoint, stats: stats[i] }));
  }, [api, appId]);

  return (
    <>
      <h1>Activity</h1>
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Activity filters">
        <div>
          <label htmlFor="activity-period">Period</label>
          <select
            id="activity-period"
            value={period.id}
            onChange={(e) => setParams({ period: e.target.value })}
          >
            {PERIODS.map((p) => (
              <option key={p.id} value={p.id}>
                {p.label}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="activity-endpoint">Endpoint</label>
          <select
            id="activity-endpoint"
            value={endpointId ?? ''}
            onChange={(e) => setParams({ endpoint: e.target.value })}
          >
            <option value="">All endpoints</option>
            {(endpoints.data?.data ?? []).map((e) => (
              <option key={e.id} value={e.id}>
                {e.connector ? `${e.connector.name} — ${e.url}` : e.url}
              </option>
            ))}
          </select>
        </div>
      </form>
      {activity.error ? <p role="alert">{messageOf(activity.error)}</p> : null}
      {activity.data ? <ActivityChart activity={activity.data} /> : <p aria-live="polite">Loading…</p>}
      {activity.data?.data.every((b) => b.success + b.fail === 0) ? (
        <p className="help">
          Nothing was sent in this period. Deliveries appear here as your platform sends events to your
          endpoints.
        </p>
      ) : null}

      <h2>Last 24 hours by endpoint</h2>
      {daily.data?.length === 0 ? (
        <div className="empty">
          <p>No endpoints yet.</p>
          <Link className="button primary" to={`/app/${appId}/endpoints/new`}>
            + Add Endpoint
          </Link>
        </div>
      ) : null}
      {daily.data?.length ? (
        <table className="list" aria-label="Last 24 hours by endpoint">
          <thead>
            <tr>
              <th scope="col">Endpoint</th>
              <th scope="col">Status</th>
              <th scope="col">Delivered</th>
              <th scope="col">Failed</th>
              <th scope="col">Waiting</th>
              <th scope="col">Error rate</th>
            </tr>
          </thead>
          <tbody>
            {daily.data.map(({ endpoint, stats }) => (
              <tr key={endpoint.id}>
                <td>
                  <Link to={`/app/${appId}/endpoints/${endpoint.id}`}>
                    {endpoint.connector?.name ?? endpoint.url}
                  </Link>
                </td>
                <td>
                  <StatusBadge health={healthOf(endpoint, stats)} />
                </td>
                <td>{stats?.success ?? 0}</td>
                <td>{stats?.fail ?? 0}</td>
                <td>{(stats?.pending ?? 0) + (stats?.sending ?? 0)}</td>
                <td>
                  <span className="rate-cell">
                    <meter
                      min={0}
                      max={1}
                      low={0.05}
                      high={0.25}
                      optimum={0}
                      value={errorRate(stats) ?? 0}
                      aria-label={`Error rate of ${endpoint.connector?.name ?? endpoint.url}`}
                    />
                    {formatRate(errorRate(stats))}
                  </span>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </>
  );
}
