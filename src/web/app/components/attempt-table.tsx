import { messageOf } from '../api/api-problem.ts';
import { ERROR_CLASS_LABELS } from '../api/delivery-status.ts';
import type { AttemptFilter } from '../api/switchyard-api.ts';
import { useResource } from '../api/use-resource.ts';
import { useSession } from '../session/session-context.tsx';
import { DeliveryBadge } from './delivery-badge.tsx';
import { Time } from './time.tsx';

/** Every attempt to one endpoint, newest first: outcome, status code, duration, and the message it carried. */
export function AttemptTable({
  appId,
  endpointId,
  filter,
  onOpenMessage,
}: {
  appId: string;
  endpointId: string;
  filter: AttemptFilter;
  onOpenMessage: (messageId: string) => void;
}) {
  const { api } = useSession();
  const { status, eventTypes, after } = filter;
  const attempts = useResource(
    () => api.endpointAttempts(appId, endpointId, { status, eventTypes, after, limit: 100 }),
    [api, appId, endpointId, status, eventTypes?.join(','), after],
  );

  if (attempts.error) return <p role="alert">{messageOf(attempts.error)}</p>;
  if (!attempts.data) return <p aria-live="polite">Loading…</p>;
  if (attempts.data.data.length === 0) {
    return (
      <div className="empty">
        <p>
          No attempt matches these filters. Attempts appear as soon as a message is sent to this endpoint.
        </p>
      </div>
    );
  }
  return (
    <table className="list" aria-label="Attempts">
      <thead>
        <tr>
          <th scope="col">Status</th>
          <th scope="col">Event type</th>
          <th scope="col">Message</th>
          <th scope="col">Time</th>
          <th scope="col">Status code</th>
          <th scope="col">Duration</th>
          <th scope="col">Error</th>
        </tr>
      </thead>
      <tbody>
        {attempts.data.data.map((attempt) => (
          <tr key={attempt.id}>
            <td>
              <DeliveryBadge status={attempt.statusText} />
            </td>
            <td>
              <code>{attempt.msg?.eventType ?? ''}</code>
            </td>
            <td>
              <button type="button" className="link-button" onClick={() => onOpenMessage(attempt.msgId)}>
                {attempt.msgId}
              </button>
            </td>
            <td>
              <Time iso={attempt.timestamp} />
            </td>
            <td>{attempt.responseStatusCode || '—'}</td>
            <td>{attempt.responseDurationMs} ms</td>
            <td>
              {attempt.errorClass ? (ERROR_CLASS_LABELS[attempt.errorClass] ?? attempt.errorClass) : ''}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
