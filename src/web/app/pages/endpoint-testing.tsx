import { type FormEvent, useState } from 'react';
import { messageOf } from '../api/api-problem.ts';
import type { EndpointOut, MessageOut } from '../api/openapi-types.ts';
import { useResource } from '../api/use-resource.ts';
import { DeliveryBadge } from '../components/delivery-badge.tsx';
import { Time } from '../components/time.tsx';
import { Link } from '../router/link.tsx';
import { useSession } from '../session/session-context.tsx';

/** Sends an event type's example to this endpoint only: signed like any event, one attempt, not retried. */
export function EndpointTesting({ appId, endpoint }: { appId: string; endpoint: EndpointOut }) {
  const { api } = useSession();
  const catalog = useResource(() => api.listEventTypes(), [api]);
  const choices = endpoint.eventTypes?.length
    ? endpoint.eventTypes
    : (catalog.data?.data.map((e) => e.name) ?? []);
  const [eventType, setEventType] = useState('');
  const [sent, setSent] = useState<MessageOut>();
  const [failure, setFailure] = useState<string>();
  const chosen = eventType || choices[0] || '';
  const delivery = useResource(async () => {
    if (!sent) return undefined;
    const page = await api.messageAttempts(appId, sent.id);
    return page.data.find((a) => a.endpointId === endpoint.id);
  }, [api, appId, sent, endpoint.id]);

  async function send(event: FormEvent) {
    event.preventDefault();
    setFailure(undefined);
    try {
      setSent(await api.sendExample(appId, endpoint.id, chosen));
    } catch (error) {
      setFailure(messageOf(error));
    }
  }

  return (
    <div className="testing">
      <form onSubmit={send}>
        <p>
          Send an example event to this endpoint to check that it receives and verifies it. It is signed like
          any event, tried once, and not retried.
        </p>
        <label htmlFor="example-event-type">Event type</label>
        <select id="example-event-type" value={chosen} onChange={(e) => setEventType(e.target.value)}>
          {choices.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
        <p>
          <button type="submit" className="primary" disabled={!chosen}>
            Send example
          </button>
        </p>
        {failure ? <p role="alert">{failure}</p> : null}
      </form>
      {sent ? (
        <section aria-labelledby="last-example-title" className="last-example">
          <h2 id="last-example-title">Last example sent</h2>
          <p>
            <code>{sent.eventType}</code> · <Time iso={sent.timestamp} /> ·{' '}
            <Link to={`/app/${appId}/logs?endpoint=${endpoint.id}&message=${sent.id}`}>{sent.id}</Link>
          </p>
          <p aria-live="polite">
            {delivery.data ? (
              <>
                <DeliveryBadge status={delivery.data.statusText} /> {delivery.data.responseStatusCode || '—'}{' '}
                in {delivery.data.responseDurationMs} ms
              </>
            ) : (
              'Sending…'
            )}{' '}
            <button type="button" className="link-button" onClick={delivery.reload}>
              Refresh
            </button>
          </p>
          <h3>Payload</h3>
          <pre className="json">{JSON.stringify(sent.payload, null, 2)}</pre>
        </section>
      ) : null}
    </div>
  );
}
