import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../server/testing.ts';

describe('connector API', () => {
  let server: TestServer;
  let appId: string;
  const call = (method: string, path: string, body?: unknown) =>
    fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${server.operatorTokenValue}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  const createEndpoint = (body: unknown) => call('POST', `/api/v1/app/${appId}/endpoint`, body);
  const locs = async (res: Response) =>
    ((await res.json()) as { detail: { loc: unknown[] }[] }).detail.map((d) => d.loc);

  beforeAll(async () => {
    server = await startTestServer('pglite');
    appId = (await server.store.apps.create({ name: 'Cards' })).id;
  });
  afterAll(async () => {
    await server.close();
  });

  it('lists the cards with their fields and templates, Segment and Customer.io first', async () => {
    const res = await call('GET', '/api/v1/connectors');
    expect(res.status).toBe(200);
    const { data } = (await res.json()) as { data: { id: string; logo: string; templates: unknown[] }[] };
    expect(data.slice(0, 2).map((c) => c.id)).toEqual(['segment', 'customerio']);
    for (const card of data) {
      expect(card.logo).toMatch(/^<svg/);
      expect(card.templates.length).toBeGreaterThan(0);
    }
    expect((await call('GET', '/api/v1/connectors/segment')).status).toBe(200);
    expect((await call('GET', '/api/v1/connectors/nope')).status).toBe(404);
  });

  it('without OAuth apps configured, the OAuth cards ask for the URL or token, and Connect is refused', async () => {
    const { data } = (await (await call('GET', '/api/v1/connectors')).json()) as {
      data: { id: string; oauth: { available: boolean } | null }[];
    };
    const oauthOf = (id: string) => data.find((card) => card.id === id)!.oauth;
    for (const id of ['slack', 'discord', 'hubspot']) expect(oauthOf(id)?.available).toBe(false);
    expect(oauthOf('segment')).toBeNull();
    const connect = await call('POST', `/api/v1/app/${appId}/oauth/hubspot/authorize`, {});
    expect(connect.status).toBe(400);
    expect(((await connect.json()) as { code: string; detail: string }).detail).toContain(
      'SWITCHYARD_OAUTH_HUBSPOT_CLIENT_ID',
    );
    const manual = await createEndpoint({
      connector: {
        id: 'hubspot',
        credentials: { accessToken: 'pat-na1-12345678-abcd-4ef0-9abc-1234567890ab' },
      },
    });
    expect(manual.status).toBe(201);
    const callback = await fetch(`${server.url}/api/v1/oauth/slack/callback?state=x&code=y`);
    expect(callback.status).toBe(404);
  });

  it('refuses an unknown card, a missing credential and an unknown one, naming each', async () => {
    expect(await locs(await createEndpoint({ connector: { id: 'nope', credentials: {} } }))).toEqual([
      ['body', 'connector', 'id'],
    ]);
    const res = await createEndpoint({
      connector: { id: 'customerio', region: 'mars', credentials: { apiKey: 'abcdefgh12', extra: 'x' } },
    });
    expect(await locs(res)).toEqual([
      ['body', 'connector', 'region'],
      ['body', 'connector', 'credentials', 'siteId'],
      ['body', 'connector', 'credentials', 'extra'],
    ]);
  });

  it('asks for the URL of a card without fixed hosts, and takes only the fields its setup needs', async () => {
    const noUrl = await createEndpoint({
      connector: { id: 'custom', credentials: { scheme: 'bearer', token: 'tok_123456789' } },
    });
    expect(noUrl.status).toBe(422);
    expect(await locs(noUrl)).toEqual([['body', 'url']]);
    // A card whose URL is the secret (Slack's incoming webhook) needs it too.
    const slack = await createEndpoint({ connector: { id: 'slack', template: undefined, credentials: {} } });
    expect(await locs(slack)).toEqual([['body', 'url']]);
    const ok = await createEndpoint({
      url: 'https://api.merchant.example/events',
      connector: { id: 'custom', credentials: { scheme: 'bearer', token: 'tok_123456789' } },
    });
    expect(ok.status).toBe(201);
    const endpoint = (await ok.json()) as { url: string; connector: { credentials: Record<string, string> } };
    expect(endpoint.url).toBe('https://api.merchant.example/events');
    expect(endpoint.connector.credentials).toEqual({ scheme: 'bearer', token: '••••6789' });
  });
});
