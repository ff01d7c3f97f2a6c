import { useState } from 'react';
import { messageOf } from '../api/api-problem.ts';
import type { ConnectorOut, EndpointOut } from '../api/openapi-types.ts';
import { useResource } from '../api/use-resource.ts';
import { useSession } from '../session/session-context.tsx';

/**
 * A Connect endpoint's link to the vendor: the account it reached, a warning when the vendor withdrew access
 * (needs_reconnect), and Reconnect, which goes through the consent page again for this same endpoint.
 */
export function OAuthReconnect({
  appId,
  endpoint,
  connector,
}: {
  appId: string;
  endpoint: EndpointOut;
  connector: ConnectorOut;
}) {
  const { api } = useSession();
  const connections = useResource(
    () => api.endpointOAuthConnections(appId, endpoint.id),
    [api, appId, endpoint.id],
  );
  const [failure, setFailure] = useState<string>();
  const connection = connections.data?.data[0];

  async function reconnect() {
    setFailure(undefined);
    try {
      const returnPath = `/app/${appId}/endpoints/${endpoint.id}?tab=overview`;
      const { authorizeUrl } = await api.authorizeOAuth(appId, connector.id, returnPath, endpoint.id);
      window.location.assign(authorizeUrl);
    } catch (error) {
      setFailure(messageOf(error));
    }
  }

  if (!connection) return null;
  const account = Object.entries(connection.account);
  return (
    <section className="oauth-connect" aria-labelledby="oauth-reconnect-title">
      <h2 id="oauth-reconnect-title">{connector.name} connection</h2>
      {connection.status === 'needs_reconnect' ? (
        <p className="field-error" role="alert">
          {connector.name} no longer accepts this connection (access was withdrawn): deliveries fail until you
          reconnect.
        </p>
      ) : (
        <p>
          Connected
          {account.length ? `: ${account.map(([key, value]) => `${key} ${value}`).join(', ')}` : ''}.
        </p>
      )}
      {failure ? <p role="alert">{failure}</p> : null}
      <button type="button" onClick={reconnect}>
        Reconnect {connector.name}
      </button>
    </section>
  );
}
