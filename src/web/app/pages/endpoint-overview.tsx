import { useState } from 'react';
import { messageOf } from '../api/api-problem.ts';
import { DAY_MS, errorRate, formatRate, healthOf } from '../api/endpoint-health.ts';
import type { EndpointOut } from '../api/openapi-types.ts';
import { useResource } from '../api/use-resource.ts';
import { CredentialsForm } from '../components/credentials-form.tsx';
import { EndpointSettingsForm } from '../components/endpoint-settings-form.tsx';
import { OAuthReconnect } from '../components/oauth-reconnect.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { navigate } from '../router/router.ts';
import { useSession } from '../session/session-context.tsx';

/** Where the endpoint sends, its signing secret (revealed on demand, rotatable) and its last day's counts. */
export function EndpointOverview({
  appId,
  endpoint,
  onChange,
}: {
  appId: string;
  endpoint: EndpointOut;
  onChange: () => void;
}) {
  const { api } = useSession();
  const stats = useResource(
    () => api.endpointStats(appId, endpoint.id, new Date(Date.now() - DAY_MS).toISOString()),
    [api, appId, endpoint.id],
  );
  const [secret, setSecret] = useState<string>();
  const [notice, setNotice] = useState<string>();
  const [failure, setFailure] = useState<string>();

  async function act(action: () => Promise<unknown>, done: string) {
    setFailure(undefined);
    try {
      await action();
      setNotice(done);
      onChange();
    } catch (error) {
      setFailure(messageOf(error));
    }
  }

  async function reveal() {
    try {
      setSecret((await api.getSecret(appId, endpoint.id)).key);
    } catch (error) {
      setFailure(messageOf(error));
    }
  }

  const connectors = useResource(() => api.listConnectors(), [api]);
  const connector = connectors.data?.data.find((c) => c.id === endpoint.connector?.id);

  async function remove() {
    if (!window.confirm('Delete this endpoint? Its queued deliveries are dropped; this cannot be undone.'))
      return;
    try {
      await api.deleteEndpoint(appId, endpoint.id);
      navigate(`/app/${appId}/endpoints`);
    } catch (error) {
      setFailure(messageOf(error));
    }
  }

  const counts = stats.data;
  return (
    <div className="overview">
      <dl className="facts">
        <dt>Status</dt>
        <dd>
          <StatusBadge health={healthOf(endpoint, counts)} />{' '}
          <button
            type="button"
            onClick={() =>
              act(
                () => api.patchEndpoint(appId, endpoint.id, { disabled: !endpoint.disabled }),
                endpoint.disabled
                  ? 'Endpoint enabled.'
                  : 'Endpoint disabled: nothing is sent until you enable it.',
              )
            }
          >
            {endpoint.disabled ? 'Enable endpoint' : 'Disable endpoint'}
          </button>
        </dd>
        <dt>{endpoint.connector ? 'Integration' : 'URL'}</dt>
        <dd>
          {endpoint.connector ? (
            <>
              {endpoint.connector.name}
              {endpoint.connector.region ? ` (region ${endpoint.connector.region})` : ''} —{' '}
            </>
          ) : null}
          <code>{endpoint.url}</code>
        </dd>
        {endpoint.connector && Object.keys(endpoint.connector.credentials).length ? (
          <>
            <dt>Credentials</dt>
            <dd>
              {Object.entries(endpoint.connector.credentials).map(([key, value]) => (
                <span key={key} className="credential">
                  {key}: <code>{value}</code>{' '}
                </span>
              ))}
            </dd>
          </>
        ) : null}
        <dt>Events</dt>
        <dd>{endpoint.eventTypes?.length ? endpoint.eventTypes.join(', ') : 'All events'}</dd>
        <dt>Signing secret</dt>
        <dd>
          {secret ? <code data-testid="signing-secret">{secret}</code> : <code>whsec_••••••••</code>}{' '}
          <button type="button" onClick={() => (secret ? setSecret(undefined) : reveal())}>
            {secret ? 'Hide' : 'Reveal'}
          </button>{' '}
          <button
            type="button"
            onClick={() =>
              window.confirm('Rotate the signing secret? The old one keeps signing for 24 hours.') &&
              act(async () => {
                await api.rotateSecret(appId, endpoint.id);
                setSecret(undefined);
              }, 'Secret rotated: the previous one also signs for the next 24 hours.')
            }
          >
            Rotate
          </button>
        </dd>
      </dl>
      {notice ? (
        <p className="notice" role="status">
          {notice}
        </p>
      ) : null}
      {failure ? <p role="alert">{failure}</p> : null}
      <h2>Last 24 hours</h2>
      {counts ? (
        <ul className="stats">
          <li>
            <strong>{counts.success}</strong> delivered
          </li>
          <li>
            <strong>{counts.fail}</strong> failed
          </li>
          <li>
            <strong>{counts.pending + counts.sending}</strong> waiting
          </li>
          <li>
            <strong>{formatRate(errorRate(counts))}</strong> error rate
          </li>
        </ul>
      ) : (
        <p aria-live="polite">Loading…</p>
      )}
      {connector?.oauth?.available ? (
        <OAuthReconnect appId={appId} endpoint={endpoint} connector={connector} />
      ) : null}
      <div className="two-columns">
        <EndpointSettingsForm appId={appId} endpoint={endpoint} onSaved={onChange} />
        {connector && !connector.oauth?.available ? (
          <CredentialsForm appId={appId} endpoint={endpoint} connector={connector} onSaved={onChange} />
        ) : null}
      </div>
      <section className="danger" aria-labelledby="delete-title">
        <h2 id="delete-title">Delete</h2>
        <p>Deleting stops every delivery to this endpoint. Its logs go with it.</p>
        <button type="button" className="danger-button" onClick={remove}>
          Delete endpoint
        </button>
      </section>
    </div>
  );
}
