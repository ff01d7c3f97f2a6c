import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretBox } from '../secrets/index.ts';
import type { DatabaseHandle } from './database.ts';
import { createStore, type Store } from './store.ts';
import { testDrivers } from './testing.ts';

describe.each(testDrivers())('OAuth connections on $name', (driver) => {
  let handle: DatabaseHandle;
  let store: Store;
  let appId: string;
  const repo = () => store.oauthConnections;
  const inTenMinutes = () => new Date(Date.now() + 600_000);
  const start = (overrides: Partial<Parameters<Store['oauthConnections']['start']>[0]> = {}) =>
    repo().start({
      appId,
      connectorId: 'hubspot',
      endpointId: null,
      stateHash: randomBytes(16).toString('hex'),
      stateExpiresAt: inTenMinutes(),
      redirectUri: 'https://sy.example/api/v1/oauth/hubspot/callback',
      returnPath: '/connectors',
      ...overrides,
    });

  beforeAll(async () => {
    handle = await driver.open();
    store = createStore(handle, createSecretBox(randomBytes(32)));
    appId = (await store.apps.create({ name: 'Connections' })).id;
  });
  afterAll(async () => {
    await handle.close();
  });

  it('uses a state once, for its own card, and fails a connection whose state expired', async () => {
    const connection = await start({ stateHash: 'hash-once' });
    expect(connection).toMatchObject({ status: 'pending', stateUsedAt: null });
    expect(connection.id).toMatch(/^conn_/);
    expect(await repo().useState('slack', 'hash-once')).toEqual({ kind: 'unknown' });
    const [first, second] = await Promise.all([
      repo().useState('hubspot', 'hash-once'),
      repo().useState('hubspot', 'hash-once'),
    ]);
    expect([first.kind, second.kind].sort()).toEqual(['usable', 'used']);
    expect(await repo().useState('hubspot', 'no-such-hash')).toEqual({ kind: 'unknown' });

    await start({ stateHash: 'hash-late', stateExpiresAt: new Date(Date.now() - 1000) });
    const late = await repo().useState('hubspot', 'hash-late');
    expect(late).toMatchObject({
      kind: 'expired',
      connection: { status: 'failed', errorCode: 'state_expired' },
    });
    expect((await repo().useState('hubspot', 'hash-late')).kind).toBe('used');
  });

  it('gives a completed connection’s credentials to one endpoint only, and takes them back on failure', async () => {
    const connection = await start();
    await repo().complete(connection.id, { accessToken: 'at-1', refreshToken: 'rt-1' }, { portal: '1' });
    const stored = await repo().find(appId, connection.id);
    expect(stored?.credentials).toMatch(/^v1:/);
    expect(stored?.credentials).not.toContain('at-1');

    expect(await repo().claim(appId, connection.id, 'slack')).toEqual({ kind: 'not_found' });
    const other = await store.apps.create({ name: 'Other' });
    expect(await repo().claim(other.id, connection.id, 'hubspot')).toEqual({ kind: 'not_found' });

    const claims = await Promise.all([
      repo().claim(appId, connection.id, 'hubspot'),
      repo().claim(appId, connection.id, 'hubspot'),
    ]);
    const claimed = claims.filter((c) => c.kind === 'claimed');
    expect(claimed).toEqual([
      { kind: 'claimed', credentials: { accessToken: 'at-1', refreshToken: 'rt-1' } },
    ]);
    expect(claims.find((c) => c.kind !== 'claimed')?.kind).toBe('taken');

    await repo().release(connection.id, { accessToken: 'at-1', refreshToken: 'rt-1' });
    expect((await repo().claim(appId, connection.id, 'hubspot')).kind).toBe('claimed');
    await repo().bind(connection.id, 'ep_bound');
    expect((await repo().ofEndpoint('ep_bound'))?.id).toBe(connection.id);

    const failed = await start();
    await repo().fail(failed.id, 'access_denied', 'The merchant did not allow access');
    expect(await repo().claim(appId, failed.id, 'hubspot')).toMatchObject({
      kind: 'not_connected',
      connection: { status: 'failed', errorCode: 'access_denied' },
    });
  });

  it('refreshes one endpoint at a time, stores only over the credentials it replaced, and marks a revoked one', async () => {
    const endpoint = await store.endpoints.create(appId, {
      url: 'https://api.hubapi.com/',
      connector: {
        id: 'hubspot',
        template: null,
        region: 'default',
        credentials: { accessToken: 'at-old', refreshToken: 'rt', expiresAt: new Date().toISOString() },
      },
    });
    const connection = await start();
    await repo().complete(connection.id, {}, {});
    await repo().claim(appId, connection.id, 'hubspot');
    await repo().bind(connection.id, endpoint.id);

    const leases = await Promise.all([
      repo().takeRefreshLease(endpoint.id, inTenMinutes()),
      repo().takeRefreshLease(endpoint.id, inTenMinutes()),
    ]);
    expect(leases.sort()).toEqual([false, true]);
    const current = (await repo().endpointCredentials(endpoint.id))!;
    expect(current.credentials.accessToken).toBe('at-old');

    const renewed = { accessToken: 'at-new', refreshToken: 'rt', expiresAt: inTenMinutes().toISOString() };
    expect(await repo().storeRefreshed(endpoint.id, 'v1:not-what-is-stored', renewed)).toBe(false);
    expect(await repo().takeRefreshLease(endpoint.id, inTenMinutes())).toBe(true);
    expect(await repo().storeRefreshed(endpoint.id, current.sealed, renewed)).toBe(true);
    expect((await repo().endpointCredentials(endpoint.id))!.credentials).toEqual(renewed);
    expect(store.endpoints.revealCredentials((await store.endpoints.find(appId, endpoint.id))!)).toEqual(
      renewed,
    );

    // The refresh released the lease; an expired lease can be taken over too.
    expect(await repo().takeRefreshLease(endpoint.id, new Date(Date.now() - 1))).toBe(true);
    expect(await repo().takeRefreshLease(endpoint.id, inTenMinutes())).toBe(true);

    await repo().markNeedsReconnect(endpoint.id, 'invalid_grant', 'refresh token revoked');
    expect(await repo().ofEndpoint(endpoint.id)).toMatchObject({
      status: 'needs_reconnect',
      errorCode: 'invalid_grant',
      refreshLeaseUntil: null,
    });
    expect(await repo().takeRefreshLease(endpoint.id, inTenMinutes())).toBe(false);
  });

  it('a reconnect replaces the endpoint’s connection; stale unused connections are purged', async () => {
    const old = await start({ endpointId: 'ep_reconnected' });
    await repo().completeForEndpoint(old.id, 'ep_reconnected', { workspace: 'Old' });
    const fresh = await start({ endpointId: 'ep_reconnected' });
    await repo().completeForEndpoint(fresh.id, 'ep_reconnected', { workspace: 'New' });
    expect(await repo().find(appId, old.id)).toBeUndefined();
    expect(await repo().ofEndpoint('ep_reconnected')).toMatchObject({
      id: fresh.id,
      account: { workspace: 'New' },
      credentials: null,
    });

    const unused = await start();
    await repo().complete(unused.id, { url: 'https://hooks.slack.com/services/T1/B1/x' }, {});
    await repo().purgeStale(new Date(Date.now() + 1000));
    expect(await repo().find(appId, unused.id)).toBeUndefined();
    expect(await repo().find(appId, fresh.id)).toBeDefined();
    const listed = await repo().list(appId, { limit: 50 }, { endpointId: 'ep_reconnected' });
    expect(listed.data.map((c) => c.id)).toEqual([fresh.id]);
  });
});
