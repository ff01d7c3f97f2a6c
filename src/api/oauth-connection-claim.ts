import type { Connector } from '../connectors/index.ts';
import type { Store } from '../db/index.ts';
import { ApiError, invalidField } from './api-error.ts';

/** What a completed OAuth connection gives a new endpoint, until the endpoint exists or could not be made. */
export interface ClaimedConnection {
  /** The incoming-webhook URL, for a card whose authorization yields one: the endpoint's URL. */
  url?: string;
  /** The card's credentials (tokens), for a card whose authorization yields them. */
  credentials: Record<string, string>;
  bind(endpointId: string): Promise<void>;
  release(): Promise<void>;
}

/**
 * Takes a completed connection of this app and card for the endpoint being made. Another app's connection,
 * or another card's, is answered as if it did not exist.
 */
export async function claimConnection(
  store: Store,
  appId: string,
  connector: Connector,
  connectionId: string,
  bodyUrl: string | undefined,
): Promise<ClaimedConnection> {
  const { manifest } = connector;
  const loc = ['connector', 'connection'];
  if (manifest.oauth?.yields === 'webhook-url' && bodyUrl !== undefined) {
    throw invalidField(['url'], `leave it out: the ${manifest.name} connection gives the webhook URL`);
  }
  const claim = await store.oauthConnections.claim(appId, connectionId, manifest.id);
  switch (claim.kind) {
    case 'not_found':
      throw invalidField(loc, `no ${manifest.name} OAuth connection '${connectionId}' in this application`);
    case 'not_connected': {
      const { status, errorCode, errorDetail } = claim.connection;
      throw invalidField(
        loc,
        status === 'pending'
          ? 'the authorization is not completed yet: finish it on the vendor’s page first'
          : `the connection ${status === 'failed' ? 'failed' : 'needs reconnecting'} (${errorCode}: ${errorDetail}); connect again`,
      );
    }
    case 'taken':
      throw new ApiError(
        409,
        'conflict',
        claim.connection.endpointId
          ? `OAuth connection '${connectionId}' is already used by endpoint ${claim.connection.endpointId}; connect again for another endpoint`
          : `OAuth connection '${connectionId}' is being used by another request`,
      );
  }
  const taken = claim.credentials;
  const hold = {
    bind: (endpointId: string) => store.oauthConnections.bind(connectionId, endpointId),
    release: () => store.oauthConnections.release(connectionId, taken),
  };
  return manifest.oauth?.yields === 'webhook-url'
    ? { url: taken.url, credentials: {}, ...hold }
    : { credentials: taken, ...hold };
}
