import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/index.ts';
import { createStore, type DatabaseHandle, type Store } from '../db/index.ts';
import { testDrivers } from '../db/testing.ts';
import { createSecretBox } from '../secrets/index.ts';
import { authorizationUrl } from './authorization-url.ts';
import { CredentialRefreshError, createCredentialRefresher } from './credential-refresher.ts';
import { type FakeOAuthProvider, startFakeOAuthProvider } from './fake-oauth-provider.ts';
import { type OAuthClients, oauthClientsFromConfig } from './oauth-clients.ts';
import { tokenCredentials } from './token-credentials.ts';
import { requestTokens } from './token-endpoint.ts';

const REDIRECT = 'https://sy.example/api/v1/oauth/hubspot/callback';

describe.each(testDrivers())('HubSpot token refresh on $name', (driver) => {
  let handle: DatabaseHandle;
  let store: Store;
  let fake: FakeOAuthProvider;
  let clients: OAuthClients;
  let appId: string;
  const logs: string[] = [];
  const logger = pino({ level: 'trace' }, { write: (line: string) => logs.push(line) });
  const refreshes = () => fake.tokenRequests.filter((r) => r.grantType === 'refresh_token');

  /** An endpoint made from a HubSpot connection whose access token expires at `expiresAt`. */
  async function connectedEndpoint(expiresAt: Date) {
    const consent = await fetch(authorizationUrl(clients.get('hubspot')!, REDIRECT, 's'), {
      redirect: 'manual',
    });
    const code = new URL(consent.headers.get('location')!).searchParams.get('code')!;
    const grant = await requestTokens(clients.get('hubspot')!, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT,
    });
    if (!('kind' in grant) || grant.kind !== 'tokens') throw new Error('no tokens');
    const credentials = { ...tokenCredentials(grant), expiresAt: expiresAt.toISOString() };
    const endpoint = await store.endpoints.create(appId, {
      url: 'https://api.hubapi.com/',
      connector: { id: 'hubspot', template: null, region: 'default', credentials },
    });
    const connection = await store.oauthConnections.start({
      appId,
      connectorId: 'hubspot',
      endpointId: endpoint.id,
      stateHash: randomBytes(16).toString('hex'),
      stateExpiresAt: new Date(Date.now() + 600_000),
      redirectUri: REDIRECT,
      returnPath: null,
    });
    await store.oauthConnections.completeForEndpoint(connection.id, endpoint.id, {});
    return { endpointId: endpoint.id, connector: { id: 'hubspot', credentials } };
  }

  beforeAll(async () => {
    handle = await driver.open();
    store = createStore(handle, createSecretBox(randomBytes(32)));
    appId = (await store.apps.create({ name: 'Refresh' })).id;
    fake = await startFakeOAuthProvider({
      clients: { hubspot: { clientId: 'hub-client', clientSecret: 'hub-secret', redirectUris: [REDIRECT] } },
    });
    clients = oauthClientsFromConfig(loadConfig(fake.env()));
  });
  afterAll(async () => {
    await fake.close();
    await handle.close();
  });

  it('renews an expired token once, however many deliveries and processes ask at the same time', async () => {
    const delivery = await connectedEndpoint(new Date(Date.now() - 60_000));
    const processA = createCredentialRefresher({ store, clients, logger });
    const processB = createCredentialRefresher({ store, clients, logger, pollMs: 20 });
    const before = refreshes().length;
    const results = await Promise.all([
      ...Array.from({ length: 5 }, () => processA(delivery)),
      ...Array.from({ length: 5 }, () => processB(delivery)),
    ]);
    expect(refreshes().length - before).toBe(1);
    const renewed = results[0]!;
    expect(renewed.accessToken).not.toBe(delivery.connector.credentials.accessToken);
    expect(fake.hubspotAccessTokens).toContain(renewed.accessToken);
    expect(Date.parse(renewed.expiresAt!)).toBeGreaterThan(Date.now() + 1_700_000);
    for (const result of results) expect(result).toEqual(renewed);
    const stored = await store.oauthConnections.endpointCredentials(delivery.endpointId);
    expect(stored?.credentials).toEqual(renewed);
    // A delivery claimed with the old credentials gets the stored ones without another refresh.
    expect(await processB(delivery)).toEqual(renewed);
    expect(refreshes().length - before).toBe(1);
  });

  it('leaves alone tokens with time left, and credentials without a refresh token', async () => {
    const fresh = await connectedEndpoint(new Date(Date.now() + 600_000));
    const refresh = createCredentialRefresher({ store, clients, logger });
    const before = refreshes().length;
    expect(await refresh(fresh)).toBe(fresh.connector.credentials);
    const privateApp = { accessToken: 'pat-na1-00000000-0000-0000-0000-000000000000' };
    expect(await refresh({ endpointId: 'ep_x', connector: { id: 'hubspot', credentials: privateApp } })).toBe(
      privateApp,
    );
    expect(await refresh({ endpointId: 'ep_x', connector: null })).toEqual({});
    expect(refreshes().length).toBe(before);
  });

  it('a revoked refresh token marks the connection for reconnecting, with a message that holds no secret', async () => {
    const delivery = await connectedEndpoint(new Date(Date.now() + 30_000));
    fake.revokeHubspotRefreshTokens();
    const refresh = createCredentialRefresher({ store, clients, logger });
    const failure = await refresh(delivery).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(CredentialRefreshError);
    expect((failure as Error).message).toMatch(/^HubSpot needs to be connected again/);
    expect(await store.oauthConnections.ofEndpoint(delivery.endpointId)).toMatchObject({
      status: 'needs_reconnect',
      errorCode: 'invalid_grant',
    });
    const before = refreshes().length;
    await expect(refresh(delivery)).rejects.toThrow(/connected again/);
    expect(refreshes().length).toBe(before);
    for (const secret of [...fake.issued, 'hub-secret']) {
      expect((failure as Error).message).not.toContain(secret);
    }
  });

  it('without the OAuth client in this process it says which settings are missing', async () => {
    const delivery = await connectedEndpoint(new Date(Date.now() - 1000));
    const refresh = createCredentialRefresher({ store, clients: new Map(), logger });
    await expect(refresh(delivery)).rejects.toThrow(/SWITCHYARD_OAUTH_HUBSPOT_CLIENT_ID/);
    // The lease was given back: a process that has the client renews at once.
    expect((await createCredentialRefresher({ store, clients, logger })(delivery)).accessToken).toBeDefined();
  });

  it('never logs a token or the client secret', () => {
    expect(logs.some((line) => line.includes('OAuth access token renewed'))).toBe(true);
    const logged = logs.join('\n');
    for (const secret of [...fake.issued, 'hub-secret']) expect(logged).not.toContain(secret);
  });
});
