import { useCallback, useMemo, useState } from 'react';
import { messageOf } from '../api/api-problem.ts';
import { DELIVERY_STATUSES } from '../api/delivery-status.ts';
import type { MessageAttemptOut } from '../api/openapi-types.ts';
import { useResource } from '../api/use-resource.ts';
import { AttemptTable } from '../components/attempt-table.tsx';
import { DeliveryBadge } from '../components/delivery-badge.tsx';
import { MessageDetail } from '../components/message-detail.tsx';
import { ReplayPanel } from '../components/replay-panel.tsx';
import { Time } from '../components/time.tsx';
import { Link } from '../router/link.tsx';
import { useSearchParams } from '../router/use-search-params.ts';
import { useSession } from '../session/session-context.tsx';

const HOUR = 3_600_000;
const PERIODS = [
  { id: '1h', label: 'Last hour', ms: HOUR },
  { id: '24h', label: 'Last 24 hours', ms: 24 * HOUR },
  { id: '7d', label: 'Last 7 days', ms: 168 * HOUR },
  { id: '30d', label: 'Last 30 days', ms: 720 * HOUR },
] as const;

/**
 * Every message sent to one endpoint with its delivery status and last attempt, filtered by status, event
 * type and time; a message opens with its payload and attempts; recovery and replay below.
 */
export function LogsPage({ appId, fixedEndpointId }: { appId: string; fixedEndpointId?: string }) {
  const { api } = useSession();
  const [params, setParams] = useSearchParams();
  const endpoints = useResource(() => api.listEndpoints(appId), [api, appId]);
  const eventTypes = useResource(() => api.listEventTypes(), [api]);
  const endpointId = fixedEndpointId ?? params.get('endpoint') ?? endpoints.data?.data[0]?.id;
  const status = params.get('status') ?? '';
  const eventType = params.get('eventType') ?? '';
  const period = PERIODS.find((p) => p.id === params.get('period')) ?? PERIODS[2];
  const messageId = params.get('message');
  const view = params.get('view') === 'attempts' ? 'attempts' : 'messages';
  const [refreshes, setRefreshes] = useState(0);
  const refresh = useCallback(() => setRefreshes((n) => n + 1), []);
  // biome-ignore lint/correctness/useExhaustiveDependencies: Refresh moves the window's start to now
  const since = useMemo(() => new Date(Date.now() - period.ms).toISOString(), [period.ms, refreshes]);

  const rows = useResource(async () => {
    if (!endpointId) return [];
    const filter = {
      status: status === '' ? undefined : Number(status),
      eventTypes: eventType ? [eventType] : undefined,
      after: since,
      limit: 100,
    };
    const [messages, attempts] = await Promise.all([
      api.endpointMessages(appId, endpointId, filter),
      api.endpointAttempts(appId, endpointId, { ...filter, status: undefined, limit: 250 }),
    ]);
    const latest = new Map<string, MessageAttemptOut>();
    for (const attempt of attempts.data) if (!latest.has(attempt.msgId)) latest.set(attempt.msgId, attempt);
    return messages.data.map((message) => ({ message, attempt: latest.get(message.id) }));
  }, [api, appId, endpointId, status, eventType, since]);

  if (endpoints.data?.data.length === 0) {
    return (
      <>
        <h1>Logs</h1>
        <div className="empty">
          <h2>Nothing sent yet</h2>
          <p>Logs show every event sent to an endpoint. Add an endpoint first.</p>
          <Link className="button primary" to={`/app/${appId}/endpoints/new`}>
            + Add Endpoint
          </Link>
        </div>
      </>
    );
  }

  return (
    <div className="logs">
      {fixedEndpointId ? null : <h1>Logs</h1>}
      <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filters">
        {fixedEndpointId ? null : (
          <div>
            <label htmlFor="logs-endpoint">Endpoint</label>
            <select
              id="logs-endpoint"
              value={endpointId ?? ''}
              onChange={(e) => setParams({ endpoint: e.target.value, message: undefined })}
            >
              {(endpoints.data?.data ?? []).map((e) => (
                <option key={e.id} value={e.id}>
                  {e.connector ? `${e.connector.name} — ${e.url}` : e.url}
                </option>
              ))}
            </select>
          </div>
        )}
        <div>
          <label htmlFor="logs-status">Status</label>
          <select id="logs-status" value={status} onChange={(e) => setParams({ status: e.target.value })}>
            <option value="">All</option>
            {DELIVERY_STATUSES.map((s) => (
              <option key={s.code} value={s.code}>
                {s.label}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="logs-event-type">Event type</label>
          <select
            id="logs-event-type"
            value={eventType}
            onChange={(e) => setParams({ eventType: e.target.value })}
          >
            <option value="">All</option>
            {(eventTypes.data?.data ?? []).map((e) => (
              <option key={e.name} value={e.name}>
                {e.name}
              </option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="logs-period">Time</label>
          <select id="logs-period" value={period.id} onChange={(e) => setParams({ period: e.target.value })}>
            {PERIODS.map((p) => (
              <option key={p.id} value={p.id}>
                {p.label}
              </option>
            ))}
          </select>
        </div>
        <div className="filter-action">
          <button type="button" onClick={refresh}>
            Refresh
          </button>
        </div>
        <fieldset className="view-switch">
          <legend className="visually-hidden">Show</legend>
          <button
            type="button"
            aria-pressed={view === 'messages'}
            onClick={() => setParams({ view: undefined })}
          >
            Messages
          </button>
          <button
            type="button"
            aria-pressed={view === 'attempts'}
            onClick={() => setParams({ view: 'attempts' })}
          >
            Attempts
          </button>
        </fieldset>
      </form>

      {view === 'attempts' && endpointId ? (
        <AttemptTable
          appId={appId}
          endpointId={endpointId}
          filter={{
            status: status === '' ? undefined : Number(status),
            eventTypes: eventType ? [eventType] : undefined,
            after: since,
          }}
          onOpenMessage={(id) => setParams({ message: id })}
        />
      ) : null}
      {view === 'messages' && rows.error ? <p role="alert">{messageOf(rows.error)}</p> : null}
      {view === 'messages' && rows.data?.length === 0 ? (
        <div className="empty">
          <p>
            No message matches these filters. Messages appear here as soon as your platform sends events this
            endpoint listens to; widen the time or status filter to see older ones.
          </p>
        </div>
      ) : null}
      {view === 'messages' && rows.data?.length ? (
        <table className="list" aria-label="Messages">
          <thead>
            <tr>
              <th scope="col">Status</th>
              <th scope="col">Event type</th>
              <th scope="col">Message</th>
              <th scope="col">Time</th>
              <th scope="col">Response</th>
            </tr>
          </thead>
          <tbody>
            {rows.data.map(({ message, attempt }) => (
              <tr key={message.id} aria-selected={message.id === messageId}>
                <td>
                  <DeliveryBadge status={message.statusText} />
                </td>
                <td>
                  <code>{message.eventType}</code>
                </td>
                <td>
                  <button
                    type="button"
                    className="link-button"
                    onClick={() => setParams({ message: message.id })}
                  >
                    {message.id}
                  </button>
                </td>
                <td>
                  <Time iso={message.timestamp} />
                </td>
                <td>
                  {attempt ? `${attempt.responseStatusCode || '—'} · ${attempt.responseDurationMs} ms` : '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}

      {messageId && endpointId ? (
        <MessageDetail
          appId={appId}
          endpointId={endpointId}
          messageId={messageId}
          onClose={() => setParams({ message: undefined })}
          onResent={refresh}
        />
      ) : null}
      {endpointId ? <ReplayPanel appId={appId} endpointId={endpointId} onDone={refresh} /> : null}
    </div>
  );
}
