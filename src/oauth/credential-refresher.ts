import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { type Connector, findConnector } from '../connectors/index.ts';
import type { Store } from '../db/index.ts';
import type { OAuthClients } from './oauth-clients.ts';
import { tokenCredentials } from './token-credentials.ts';
import { requestTokens } from './token-endpoint.ts';

/** Why an endpoint's OAuth credentials cannot be attached now; the message is safe to record and show. */
export class CredentialRefreshError extends Error {
  override name = 'CredentialRefreshError';
}

export interface CredentialRefresherOptions {
  store: Pick<Store, 'oauthConnections'>;
  clients: OAuthClients;
  logger: Logger;
  /** Tokens this close to expiry are renewed first: the request must not meet an expired one. */
  marginMs?: number;
  /** How long one refresh may hold an endpoint before another process may take over. */
  leaseMs?: number;
  /** How long to wait for another process's refresh before failing the attempt (it is retried). */
  waitMs?: number;
  pollMs?: number;
}

/** What the refresher needs of a claimed delivery. */
export interface CredentialHolder {
  endpointId: string;
  connector: { id: string; credentials: Record<string, string> } | null;
}

function needsRefresh(credentials: Record<string, string>, now: number, marginMs: number): boolean {
  if (!credentials.refreshToken) return false;
  const expiresAt = Date.parse(credentials.expiresAt ?? '');
  return !(expiresAt > now + marginMs);
}

/**
 * Keeps OAuth access tokens (HubSpot's last 30 minutes) fresh for the delivery engine: an endpoint's token
 * that has expired or is about to is renewed with its refresh token before it is attached. One refresh runs
 * per endpoint at a time: callers in this process share it, and other processes wait on a lease in the
 * database and then read what it stored. A refresh token the vendor no longer honours marks the connection
 * `needs_reconnect`. Tokens are never logged, and failures carry no secret.
 * @returns the credentials to attach (renewed or as they were)
 */
export function createCredentialRefresher(options: CredentialRefresherOptions) {
  const { clients, logger } = options;
  const repository = options.store.oauthConnections;
  const marginMs = options.marginMs ?? 120_000;
  const leaseMs = options.leaseMs ?? 30_000;
  const waitMs = options.waitMs ?? 20_000;
  const pollMs = options.pollMs ?? 200;
  const running = new Map<string, Promise<Record<string, string>>>();

  const reconnect = (connector: Connector) =>
    new CredentialRefreshError(
      `${connector.manifest.name} needs to be connected again: it no longer accepts the stored authorization (the app was uninstalled or access was revoked). Reconnect the card, then resend or wait for the next retry.`,
    );

  async function renew(endpointId: string, connector: Connector): Promise<Record<string, string>> {
    const { name, id } = connector.manifest;
    const deadline = Date.now() + waitMs;
    for (;;) {
      const connection = await repository.ofEndpoint(endpointId);
      if (connection?.status === 'needs_reconnect') throw reconnect(connector);
      const leased = await repository.takeRefreshLease(endpointId, new Date(Date.now() + leaseMs));
      const stored = await repository.endpointCredentials(endpointId);
      if (!stored || !needsRefresh(stored.credentials, Date.now(), marginMs)) {
        if (leased) await repository.releaseRefreshLease(endpointId);
        if (!stored) throw new CredentialRefreshError(`the endpoint no longer has ${name} credentials`);
        return stored.credentials;
      }
      if (!leased) {
        if (!connection) throw reconnect(connector);
        if (Date.now() > deadline) {
          throw new CredentialRefreshError(
            `${name} tokens are being renewed by another worker for too long; the attempt is retried`,
          );
        }
        await sleep(pollMs);
        continue;
      }
      const client = clients.get(id);
      if (!client) {
        await repository.releaseRefreshLease(endpointId);
        throw new CredentialRefreshError(
          `the ${name} access token has expired and this process has no ${name} OAuth client to renew it (SWITCHYARD_OAUTH_${id.toUpperCase()}_CLIENT_ID and _CLIENT_SECRET)`,
        );
      }
      const answer = await requestTokens(client, {
        grant_type: 'refresh_token',
        refresh_token: stored.credentials.refreshToken!,
      });
      if ('error' in answer) {
        if (answer.error === 'invalid_grant') {
          await repository.markNeedsReconnect(endpointId, answer.error, answer.description);
          logger.warn(
            { endpointId, connector: id },
            'OAuth refresh token refused: the card needs reconnecting',
          );
          throw reconnect(connector);
        }
        await repository.releaseRefreshLease(endpointId);
        logger.warn({ endpointId, connector: id, error: answer.error }, 'OAuth token refresh failed');
        throw new CredentialRefreshError(
          `${name} did not renew the access token (${answer.error}: ${answer.description}); the attempt is retried`,
        );
      }
      if (answer.kind !== 'tokens') {
        await repository.releaseRefreshLease(endpointId);
        throw new CredentialRefreshError(`${name} answered the refresh without tokens`);
      }
      const renewed = tokenCredentials(answer, stored.credentials.refreshToken!);
      // Credentials replaced meanwhile (a merchant pasted a private-app token) win: read them again.
      if (!(await repository.storeRefreshed(endpointId, stored.sealed, renewed))) continue;
      logger.info({ endpointId, connector: id }, 'OAuth access token renewed');
      return renewed;
    }
  }

  return async function freshCredentials(holder: CredentialHolder): Promise<Record<string, string>> {
    const { connector: settings, endpointId } = holder;
    if (!settings) return {};
    const connector = findConnector(settings.id);
    if (
      connector?.manifest.oauth?.yields !== 'tokens' ||
      !needsRefresh(settings.credentials, Date.now(), marginMs)
    ) {
      return settings.credentials;
    }
    let refresh = running.get(endpointId);
    if (!refresh) {
      refresh = renew(endpointId, connector)
        .catch((error: unknown) => {
          if (error instanceof CredentialRefreshError) throw error;
          logger.error({ err: error, endpointId, connector: settings.id }, 'OAuth token refresh broke');
          throw new CredentialRefreshError(
            `${connector.manifest.name} tokens could not be renewed (internal error, logged); the attempt is retried`,
          );
        })
        .finally(() => running.delete(endpointId));
      running.set(endpointId, refresh);
    }
    return refresh;
  };
}

export type CredentialRefresher = ReturnType<typeof createCredentialRefresher>;
