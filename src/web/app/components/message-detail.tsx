import { useState } from 'react';
import { messageOf } from '../api/api-problem.ts';
import { ERROR_CLASS_LABELS } from '../api/delivery-status.ts';
import { useResource } from '../api/use-resource.ts';
import { useSession } from '../session/session-context.tsx';
import { DeliveryBadge } from './delivery-badge.tsx';
import { Time } from './time.tsx';

/** One message to one endpoint: its payload and every attempt (request URL, answer, error), with Resend. */
export function MessageDetail({
  appId,
  endpointId,
  messageId,
  onClose,
  onResent,
}: {
  appId: string;
  endpointId: string;
  messageId: string;
  onClose: () => void;
  onResent: () => void;
}) {
  const { api } = useSession();
  const message = useResource(() => api.getMessage(appId, messageId), [api, appId, messageId]);
  const attempts = useResource(async () => {
    const page = await api.messageAttempts(appId, messageId);
    return page.data.filter((a) => a.endpointId === endpointId);
  }, [api, appId, messageId, endpointId]);
  const [notice, setNotice] = useState<string>();
  const [failure, setFailure] = useState<string>();

  async function resend() {
    setFailure(undefined);
    try {
      await api.resend(appId, messageId, endpointId);
      setNotice('Queued: the message is being sent again now.');
      onResent();
      setTimeout(attempts.reload, 1500);
    } catch (error) {
      setFailure(messageOf(error));
    }
  }

  return (
    <section className="message-detail" aria-labelledby="message-detail-title">
      <header className="page-header">
        <h2 id="message-detail-title">
          Message <code>{messageId}</code>
        </h2>
        <span>
          <button type="button" className="primary" onClick={resend}>
            Resend
          </button>{' '}
          <button type="button" onClick={onClose}>
            Close
          </button>
        </span>
      </header>
      {notice ? (
        <p className="notice" role="status">
          {notice}
        </p>
      ) : null}
      {failure ? <p role="alert">{failure}</p> : null}
      {message.data ? (
        <p>
          <code>{message.data.eventType}</code> · <Time iso={message.data.timestamp} />
          {message.data.eventId ? (
            <>
              {' '}
              · event id <code>{message.data.eventId}</code>
            </>
          ) : null}
        </p>
      ) : null}
      <h3>Payload</h3>
      {message.error ? <p role="alert">{messageOf(message.error)}</p> : null}
      <pre className="json">{message.data ? JSON.stringify(message.data.payload, null, 2) : 'Loading…'}</pre>
      <h3>Attempts</h3>
      {attempts.data?.length === 0 ? <p>No attempt yet: it is queued and will be sent shortly.</p> : null}
      <ol className="attempts">
        {(attempts.data ?? []).map((attempt) => (
          <li key={attempt.id}>
            <p>
              <DeliveryBadge status={attempt.statusText} />{' '}
              <strong>{attempt.responseStatusCode || '—'}</strong> in {attempt.responseDurationMs} ms ·{' '}
              <Time iso={attempt.timestamp} /> · {attempt.triggerType === 1 ? 'manual' : 'scheduled'}
            </p>
            <p>
              <code>POST {attempt.url}</code>
            </p>
            {attempt.errorClass ? (
              <p className="field-error">{ERROR_CLASS_LABELS[attempt.errorClass] ?? attempt.errorClass}</p>
            ) : null}
            {attempt.response ? (
              <details>
                <summary>{attempt.errorClass ? 'Error' : 'Response body'}</summary>
                <pre className="json">{attempt.response}</pre>
              </details>
            ) : null}
          </li>
        ))}
      </ol>
    </section>
  );
}
