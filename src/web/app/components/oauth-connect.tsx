import { useEffect, useState } from 'react';
import { messageOf } from '../api/api-problem.ts';
import type { ConnectorOut, OAuthConnectionOut } from '../api/openapi-types.ts';
import { useSession } from '../session/session-context.tsx';

const POLL_MS = 1000;

/** Inside an iframe the vendor's consent page (which refuses to be framed) opens in a popup instead. */
function framed(): boolean {
  try {
    return window.self !== window.top;
  } catch {
    return true;
  }
}

/**
 * Connect through the vendor's consent page (OAuth) instead of pasting a webhook URL or token: the browser goes
 * to the vendor and comes back to this page with the connection, whose account (workspace, channel) is shown.
 */
export function OAuthConnect({
  appId,
  connector,
  connection,
  onConnection,
}: {
  appId: string;
  connector: ConnectorOut;
  connection: OAuthConnectionOut | undefined;
  onConnection: (connection: OAuthConnectionOut) => void;
}) {
  const { api } = useSession();
  const [failure, setFailure] = useState<string>();
  const [waitingFor, setWaitingFor] = useState<string>();

  useEffect(() => {
    if (!waitingFor) return;
    const timer = setInterval(async () => {
      try {
        const current = await api.getOAuthConnection(appId, waitingFor);
        if (current.status === 'pending') return;
        setWaitingFor(undefined);
        onConnection(current);
      } catch (error) {
        setWaitingFor(undefined);
        setFailure(messageOf(error));
      }
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [api, appId, waitingFor, onConnection]);

  async function connect() {
    setFailure(undefined);
    const popup = framed();
    const returnPath = `/app/${appId}/endpoints/new?card=${connector.id}${popup ? '&popup=1' : ''}`;
    try {
      const { authorizeUrl, connectionId } = await api.authorizeOAuth(appId, connector.id, returnPath);
      if (!popup) {
        window.location.assign(authorizeUrl);
        return;
      }
      window.open(authorizeUrl, 'switchyard-oauth', 'popup,width=640,height=760');
      setWaitingFor(connectionId);
    } catch (error) {
      setFailure(messageOf(error));
    }
  }

  const connected = connection?.status === 'connected';
  const account = Object.entries(connection?.account ?? {});
  return (
    <section className="oauth-connect" aria-labelledby="oauth-title">
      <h2 id="oauth-title">Connect {connector.name}</h2>
      {connected ? (
        <p className="notice" role="status">
          Connected to {connector.name}
          {account.length ? `: ${account.map(([key, value]) => `${key} ${value}`).join(', ')}` : ''}.
        </p>
      ) : (
        <p>
          {connector.name} asks you to approve access
          {connector.oauth?.yields === 'webhook-url' ? ' and pick the channel events go to' : ''}, then brings
          you back here.
        </p>
      )}
      {connection?.status === 'failed' ? (
        <p className="field-error" role="alert">
          The connection failed: {connection.error?.detail ?? 'try again'}.
        </p>
      ) : null}
      {failure ? (
        <p className="field-error" role="alert">
          {failure}
        </p>
      ) : null}
      <button
        type="button"
        className={connected ? undefined : 'primary'}
        onClick={connect}
        disabled={Boolean(waitingFor)}
      >
        {waitingFor
          ? `Waiting for ${connector.name}…`
          : connected
            ? 'Connect again'
            : `Connect ${connector.name}`}
      </button>
    </section>
  );
}
