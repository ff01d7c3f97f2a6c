import { eq } from 'drizzle-orm';
import pino from 'pino';
import { Svix } from 'svix';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findEventType } from '../catalog/index.ts';
import { type DiscordFake, startDiscordFake } from '../connectors/discord/index.ts';
import { type HubspotFake, startHubspotFake } from '../connectors/hubspot/index.ts';
import { type SlackFake, startSlackFake } from '../connectors/slack/index.ts';
import { oauthConnections } from '../db/schema.ts';
import { type FakeOAuthProvider, startFakeOAuthProvider } from '../oauth/fake-oauth-provider.ts';
import { startTestServer, type TestServer, testServerDrivers } from '../server/testing.ts';

const SLACK_HOOKS = [1, 2, 3, 4, 5, 6].map((i) => `/services/T0FAKE/B0SLACK${i}/slackHookSecret${i}abc`);
const DISCORD_HOOKS = [1, 2, 3].map((i) => ({
  id: `11000000000000000${i}`,
  token: `discordHookToken-${i}-abcdefghij`,
}));
const CLIENT_SECRETS = ['slack-client-secret', 'discord-client-secret', 'hubspot-client-secret'];
/** Short, so that the test can wait for a HubSpot access token to expire. */
const HUBSPOT_TOKEN_TTL_SECONDS = 3;

interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown> & { detail?: unknown; code?: string };
  text: string;
}

describe.each(testServerDrivers())('OAuth connect on %s', (driver) => {
  let oauth: FakeOAuthProvider;
  let slack: SlackFake;
  let discord: DiscordFake;
  let hubspot: HubspotFake;
  let server: TestServer;
  let svix: Svix;
  const logs: string[] = [];
  /** Every answer of the OAuth routes (authorize, callback, connections). */
  const oauthAnswers: string[] = [];
  /** Every answer of any route. */
  const allAnswers: string[] = [];

  /** `token` null: no Authorization header, as a browser coming back from the vendor. */
  async function call(method: string, path: string, body?: unknown, token?: string | null): Promise<Answer> {
    const res = await fetch(new URL(path, server.url), {
      method,
      redirect: 'manual',
      headers: {
        ...(token === null ? {} : { authorization: `Bearer ${token ?? server.operatorTokenValue}` }),
        'content-type': 'application/json',
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    const seen = `${res.headers.get('location') ?? ''}\n${text}`;
    allAnswers.push(seen);
    if (/\/oauth/.test(path)) oauthAnswers.push(seen);
    return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : {}, text };
  }

  /** The merchant's browser: Switchyard's authorize answer → the vendor's consent page → the callback. */
  async function consent(authorizeUrl: string): Promise<string> {
    const page = await fetch(authorizeUrl, { redirect: 'manual' });
    expect(page.status).toBe(302);
    return page.headers.get('location')!;
  }
  const back = (callbackUrl: string) => call('GET', callbackUrl.slice(server.url.length), undefined, null);

  async function authorize(
    appId: string,
    card: string,
    options: { token?: string; returnPath?: string; endpointId?: string } = {},
  ) {
    const { token, ...body } = options;
    const started = await call('POST', `/api/v1/app/${appId}/oauth/${card}/authorize`, body, token);
    expect(started.status, started.text).toBe(201);
    return started.body as { connectionId: string; authorizeUrl: string; expiresAt: string };
  }

  /** A whole connection, answered as JSON (no return path). */
  async function connect(appId: string, card: string, options: { token?: string; endpointId?: string } = {}) {
    const { authorizeUrl, connectionId } = await authorize(appId, card, options);
    const answer = await back(await consent(authorizeUrl));
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body).toMatchObject({ id: connectionId, connector: card, status: 'connected' });
    return connectionId;
  }

  const createEndpoint = (appId: string, connector: Record<string, unknown>, token?: string) =>
    call('POST', `/api/v1/app/${appId}/endpoint`, { connector }, token);
  const connection = (appId: string, id: string, token?: string) =>
    call('GET', `/api/v1/app/${appId}/oauth-connection/${id}`, undefined, token);
  const example = (eventType = 'payment.succeeded') => findEventType(eventType)!.example;

  beforeAll(async () => {
    oauth = await startFakeOAuthProvider({
      clients: {
        slack: { clientId: '1111.2222', clientSecret: CLIENT_SECRETS[0]!, redirectUris: [] },
        discord: { clientId: '333444555666', clientSecret: CLIENT_SECRETS[1]!, redirectUris: [] },
        hubspot: { clientId: 'hubspot-client', clientSecret: CLIENT_SECRETS[2]!, redirectUris: [] },
      },
      webhookUrls: {
        slack: SLACK_HOOKS.map((path) => `https://hooks.slack.com${path}`),
        discord: DISCORD_HOOKS.map((hook) => `https://discord.com/api/webhooks/${hook.id}/${hook.token}`),
      },
      hubspotTokenTtlSeconds: HUBSPOT_TOKEN_TTL_SECONDS,
    });
    slack = await startSlackFake({ hooks: SLACK_HOOKS });
    discord = await startDiscordFake({ webhooks: DISCORD_HOOKS });
    hubspot = await startHubspotFake({ tokens: oauth.hubspotAccessTokens });
    server = await startTestServer(
      driver,
      {
        ...oauth.env(),
        SWITCHYARD_ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8',
        SWITCHYARD_RETRY_SCHEDULE: '1,1',
        SWITCHYARD_DESTINATION_OVERRIDES: `hooks.slack.com=${slack.url},discord.com=${discord.url},api.hubapi.com=${hubspot.url}`,
      },
      pino({ level: 'trace' }, { write: (line: string) => logs.push(line) }),
    );
    for (const card of ['slack', 'discord', 'hubspot'] as const) {
      oauth.setRedirectUris(card, [`${server.url}/api/v1/oauth/${card}/callback`]);
    }
    svix = new Svix(server.operatorTokenValue, { serverUrl: server.url });
  });
  afterAll(async () => {
    await server?.close();
    await Promise.all([oauth?.close(), slack?.close(), discord?.close(), hubspot?.close()]);
  });

  it('the cards tell the dashboard where Connect is available', async () => {
    const { body } = await call('GET', '/api/v1/connectors');
    const cards = body.data as { id: string; oauth: unknown }[];
    const oauthOf = (id: string) => cards.find((card) => card.id === id)!.oauth;
    expect(oauthOf('slack')).toEqual({
      available: true,
      scopes: ['incoming-webhook'],
      yields: 'webhook-url',
    });
    expect(oauthOf('discord')).toEqual({
      available: true,
      scopes: ['webhook.incoming'],
      yields: 'webhook-url',
    });
    expect(oauthOf('hubspot')).toMatchObject({ available: true, yields: 'tokens' });
    expect(oauthOf('segment')).toBeNull();
    const app = await svix.application.create({ name: 'No OAuth card' });
    const segment = await call('POST', `/api/v1/app/${app.id}/oauth/segment/authorize`, {});
    expect(segment.status).toBe(400);
    expect(segment.body.code).toBe('oauth_not_supported');
  });

  it('Slack: Connect, back to the dashboard, then an endpoint from the connection posts to the chosen channel', async () => {
    const app = await svix.application.create({ name: 'Slack merchant' });
    const { authorizeUrl, connectionId, expiresAt } = await authorize(app.id, 'slack', {
      returnPath: '/app/acme/connectors?card=slack',
    });
    const consentUrl = new URL(authorizeUrl);
    expect(consentUrl.origin + consentUrl.pathname).toBe(`${oauth.url}/oauth/v2/authorize`);
    expect(consentUrl.searchParams.get('redirect_uri')).toBe(`${server.url}/api/v1/oauth/slack/callback`);
    expect(consentUrl.searchParams.get('state')).toMatch(/^[\w-]{43}$/);
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(9 * 60_000);

    const callback = await back(await consent(authorizeUrl));
    expect(callback.status).toBe(303);
    expect(callback.headers.get('cache-control')).toBe('no-store');
    const location = new URL(callback.headers.get('location')!);
    expect(location.origin + location.pathname).toBe(`${server.url}/app/acme/connectors`);
    expect(Object.fromEntries(location.searchParams)).toEqual({
      card: 'slack',
      connection: connectionId,
      status: 'connected',
    });
    expect((await connection(app.id, connectionId)).body).toMatchObject({
      status: 'connected',
      endpointId: null,
      account: { workspace: 'Fake Workspace', channel: '#payments' },
      error: null,
    });

    const created = await createEndpoint(app.id, {
      id: 'slack',
      template: 'post-message',
      connection: connectionId,
    });
    expect(created.status, created.text).toBe(201);
    const endpoint = created.body as { id: string; url: string; eventTypes: string[]; connector: unknown };
    expect(endpoint.url).toMatch(/^https:\/\/hooks\.slack\.com\/services\/T0FAKE\/B0SLACK\d\//);
    expect(endpoint.connector).toMatchObject({ id: 'slack', template: 'post-message', credentials: {} });
    expect((await connection(app.id, connectionId)).body.endpointId).toBe(endpoint.id);

    await svix.message.create(app.id, { eventType: 'payment.succeeded', payload: example() });
    await expect
      .poll(() => slack.received.find((m) => endpoint.url.endsWith(m.path)), { timeout: 10_000 })
      .toBeDefined();

    const again = await createEndpoint(app.id, { id: 'slack', connection: connectionId });
    expect(again.status).toBe(409);
    const withUrl = await call('POST', `/api/v1/app/${app.id}/endpoint`, {
      url: 'https://hooks.slack.com/services/T1/B1/x',
      connector: { id: 'slack', connection: connectionId },
    });
    expect(withUrl.status).toBe(422);
  });

  it('Discord with the app’s portal token and no return path: the callback answers the connection', async () => {
    const { appId, token } = await server.createAppWithToken('Discord merchant');
    const connectionId = await connect(appId, 'discord', { token });
    expect((await connection(appId, connectionId, token)).body.account).toMatchObject({
      webhook: 'Payments',
    });
    const created = await createEndpoint(
      appId,
      { id: 'discord', template: 'post-embed', connection: connectionId },
      token,
    );
    expect(created.status, created.text).toBe(201);
    const portal = new Svix(token, { serverUrl: server.url });
    await portal.message.create(appId, {
      eventType: 'subscription.active',
      payload: example('subscription.active'),
    });
    await expect
      .poll(() => discord.received.filter((m) => (created.body.url as string).includes(m.webhookId)).length, {
        timeout: 10_000,
      })
      .toBe(1);
  });

  it('a state works once, for its own card, until it expires; an altered one is refused', async () => {
    const app = await svix.application.create({ name: 'States' });
    const { authorizeUrl } = await authorize(app.id, 'slack');
    const callbackUrl = await consent(authorizeUrl);
    const state = new URL(callbackUrl).searchParams.get('state')!;

    const altered = new URL(callbackUrl);
    altered.searchParams.set('state', `${state.slice(0, -1)}${state.endsWith('A') ? 'B' : 'A'}`);
    const tampered = await back(altered.toString());
    expect(tampered.status).toBe(400);
    expect(tampered.headers.get('content-type')).toBe('application/problem+json');
    expect(tampered.body.code).toBe('oauth_state_invalid');
    const otherCard = await back(callbackUrl.replace('/oauth/slack/', '/oauth/discord/'));
    expect(otherCard.body.code).toBe('oauth_state_invalid');
    const noState = await back(`${server.url}/api/v1/oauth/slack/callback?code=abc`);
    expect(noState.body.code).toBe('oauth_state_invalid');

    expect((await back(callbackUrl)).status).toBe(200);
    const reused = await back(callbackUrl);
    expect(reused.status).toBe(400);
    expect(reused.body.code).toBe('oauth_state_used');

    const expire = (id: string) =>
      server.store.handle.db
        .update(oauthConnections)
        .set({ stateExpiresAt: new Date(Date.now() - 1000) })
        .where(eq(oauthConnections.id, id));
    const late = await authorize(app.id, 'discord', { returnPath: '/done' });
    const lateCallback = await consent(late.authorizeUrl);
    await expire(late.connectionId);
    const lateAnswer = await back(lateCallback);
    expect(lateAnswer.status).toBe(303);
    expect(new URL(lateAnswer.headers.get('location')!).search).toBe(
      `?connection=${late.connectionId}&status=failed&error=state_expired`,
    );
    expect((await connection(app.id, late.connectionId)).body).toMatchObject({
      status: 'failed',
      error: { code: 'state_expired' },
    });
    const lateJson = await authorize(app.id, 'hubspot');
    const lateJsonCallback = await consent(lateJson.authorizeUrl);
    await expire(lateJson.connectionId);
    const expired = await back(lateJsonCallback);
    expect(expired.status).toBe(400);
    expect(expired.body.code).toBe('oauth_state_expired');
  });

  it('a connection belongs to its app: another app’s token cannot start, read or use it', async () => {
    const appA = await svix.application.create({ name: 'A' });
    const { appId: appB, token: tokenB } = await server.createAppWithToken('B');
    expect((await call('POST', `/api/v1/app/${appA.id}/oauth/slack/authorize`, {}, tokenB)).status).toBe(404);
    const connectionId = await connect(appA.id, 'slack');
    expect((await connection(appA.id, connectionId, tokenB)).status).toBe(404);
    expect((await connection(appB, connectionId, tokenB)).status).toBe(404);
    const stolen = await createEndpoint(appB, { id: 'slack', connection: connectionId }, tokenB);
    expect(stolen.status).toBe(422);
    expect(JSON.stringify(stolen.body.detail)).toContain('no Slack OAuth connection');
    const asDiscord = await createEndpoint(appA.id, { id: 'discord', connection: connectionId });
    expect(asDiscord.status).toBe(422);

    const endpointOfA = await createEndpoint(appA.id, { id: 'slack', connection: connectionId });
    expect(endpointOfA.status).toBe(201);
    const reconnectOther = await call(
      'POST',
      `/api/v1/app/${appB}/oauth/slack/authorize`,
      { endpointId: endpointOfA.body.id },
      tokenB,
    );
    expect(reconnectOther.status).toBe(404);
    const otherCard = await call('POST', `/api/v1/app/${appA.id}/oauth/discord/authorize`, {
      endpointId: endpointOfA.body.id,
    });
    expect(otherCard.status).toBe(422);
    const listed = await call('GET', `/api/v1/app/${appB}/oauth-connection`, undefined, tokenB);
    expect(listed.body.data).toEqual([]);
  });

  it('the vendor’s refusals show as problems and on the connection: access denied, a bad code', async () => {
    const app = await svix.application.create({ name: 'Refusals' });
    oauth.consent = 'deny';
    try {
      const denied = await authorize(app.id, 'slack', { returnPath: '/cards' });
      const redirected = await back(await consent(denied.authorizeUrl));
      expect(new URL(redirected.headers.get('location')!).searchParams.get('error')).toBe('access_denied');
      expect((await connection(app.id, denied.connectionId)).body).toMatchObject({
        status: 'failed',
        error: { code: 'access_denied', detail: expect.stringContaining('not allowed') },
      });
      const refusedUse = await createEndpoint(app.id, { id: 'slack', connection: denied.connectionId });
      expect(refusedUse.status).toBe(422);
      expect(JSON.stringify(refusedUse.body.detail)).toContain('access_denied');

      const deniedJson = await authorize(app.id, 'discord');
      const problem = await back(await consent(deniedJson.authorizeUrl));
      expect(problem.status).toBe(400);
      expect(problem.headers.get('content-type')).toBe('application/problem+json');
      expect(problem.body).toMatchObject({ code: 'oauth_access_denied', title: 'Bad Request' });
    } finally {
      oauth.consent = 'allow';
    }
    const badCode = await authorize(app.id, 'slack');
    const callback = new URL(await consent(badCode.authorizeUrl));
    callback.searchParams.set('code', 'made-up-code');
    const rejected = await back(callback.toString());
    expect(rejected.status).toBe(400);
    expect(rejected.body.code).toBe('oauth_code_rejected');
    expect(rejected.body.detail).toContain('invalid_code');
  });

  it('HubSpot: an expired access token is renewed before the delivery, and HubSpot receives the new one', async () => {
    const app = await svix.application.create({ name: 'HubSpot merchant' });
    const connectionId = await connect(app.id, 'hubspot');
    const first = oauth.hubspotAccessTokens.at(-1)!;
    const created = await createEndpoint(app.id, {
      id: 'hubspot',
      template: 'sync-contact',
      connection: connectionId,
    });
    expect(created.status, created.text).toBe(201);
    const masked = (created.body.connector as { credentials: Record<string, string> }).credentials;
    expect(Object.keys(masked).sort()).toEqual(['accessToken', 'expiresAt', 'refreshToken']);
    for (const value of Object.values(masked)) expect(value).toMatch(/^••••/);

    await expect.poll(() => oauth.hubspotAccessTokens.includes(first), { timeout: 10_000 }).toBe(false);
    const refreshes = oauth.tokenRequests.filter((r) => r.grantType === 'refresh_token').length;
    const before = hubspot.received.length;
    await svix.message.create(app.id, { eventType: 'payment.succeeded', payload: example() });
    await expect.poll(() => hubspot.received.length, { timeout: 10_000 }).toBe(before + 1);
    const sent = hubspot.received.at(-1)!.headers.authorization;
    expect(sent).toMatch(/^Bearer fake-hubspot-at-/);
    expect(sent).not.toBe(`Bearer ${first}`);
    expect(oauth.hubspotAccessTokens).toContain(sent!.slice('Bearer '.length));
    expect(
      oauth.tokenRequests.filter((r) => r.grantType === 'refresh_token' && r.accepted).length,
    ).toBeGreaterThan(refreshes);
  });

  it('HubSpot: a revoked authorization fails the attempt asking to reconnect; reconnecting resumes delivery', async () => {
    const app = await svix.application.create({ name: 'HubSpot uninstalled' });
    const connectionId = await connect(app.id, 'hubspot');
    const created = await createEndpoint(app.id, {
      id: 'hubspot',
      template: 'sync-contact',
      connection: connectionId,
    });
    const endpointId = created.body.id as string;
    oauth.revokeHubspotRefreshTokens();
    const message = await svix.message.create(app.id, { eventType: 'payment.succeeded', payload: example() });
    const attempts = async () =>
      (await svix.messageAttempt.listByMsg(app.id, message.id, { withContent: true })).data;
    await expect.poll(async () => (await attempts()).length, { timeout: 10_000 }).toBeGreaterThan(0);
    const [attempt] = await attempts();
    expect(attempt!.response).toMatch(/^HubSpot needs to be connected again/);
    expect(attempt!.responseStatusCode).toBe(0);
    expect((await connection(app.id, connectionId)).body).toMatchObject({
      status: 'needs_reconnect',
      endpointId,
      error: { code: 'invalid_grant' },
    });

    const reconnected = await connect(app.id, 'hubspot', { endpointId });
    const listed = await call('GET', `/api/v1/app/${app.id}/oauth-connection?endpointId=${endpointId}`);
    expect((listed.body.data as { id: string; status: string }[]).map((c) => [c.id, c.status])).toEqual([
      [reconnected, 'connected'],
    ]);
    const before = hubspot.received.length;
    await svix.message.create(app.id, {
      eventType: 'subscription.active',
      payload: example('subscription.active'),
    });
    await expect.poll(() => hubspot.received.length, { timeout: 10_000 }).toBeGreaterThan(before);
  });

  it('no token, code or client secret in any answer or log; webhook URLs only as endpoint URLs', () => {
    const webhookUrls = oauth.issued.filter((secret) => secret.startsWith('https://'));
    const tokensAndCodes = oauth.issued.filter((secret) => !secret.startsWith('https://'));
    expect(tokensAndCodes.length).toBeGreaterThan(10);
    const everything = [...allAnswers, ...logs].join('\n');
    for (const secret of [...tokensAndCodes, ...CLIENT_SECRETS]) expect(everything).not.toContain(secret);
    const oauthAndLogs = [...oauthAnswers, ...logs].join('\n');
    for (const url of webhookUrls) expect(oauthAndLogs).not.toContain(url);
    expect(logs.some((line) => line.includes('OAuth connection completed'))).toBe(true);
  });
});
