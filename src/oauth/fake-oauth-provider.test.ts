import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findConnector } from '../connectors/index.ts';
import { authorizationUrl } from './authorization-url.ts';
import {
  type FakeOAuthProvider,
  type FakeOAuthVendor,
  startFakeOAuthProvider,
} from './fake-oauth-provider.ts';
import type { OAuthClient } from './oauth-clients.ts';
import { requestTokens } from './token-endpoint.ts';

const REDIRECT = 'https://switchyard.example/api/v1/oauth/{card}/callback';
const redirectOf = (vendor: FakeOAuthVendor) => REDIRECT.replace('{card}', vendor);
const SECRETS = { slack: 'slack-secret-1', discord: 'discord-secret-1', hubspot: 'hubspot-secret-1' };

describe('fake OAuth provider: the vendors’ contract, and Switchyard’s client against it', () => {
  let fake: FakeOAuthProvider;
  const client = (vendor: FakeOAuthVendor, secret = SECRETS[vendor]): OAuthClient => {
    const env = fake.env();
    const prefix = `SWITCHYARD_OAUTH_${vendor.toUpperCase()}`;
    return {
      connector: findConnector(vendor)!,
      clientId: env[`${prefix}_CLIENT_ID`]!,
      clientSecret: secret,
      authorizeUrl: env[`${prefix}_AUTHORIZE_URL`]!,
      tokenUrl: env[`${prefix}_TOKEN_URL`]!,
    };
  };
  /** The merchant's browser on the consent page: where the vendor sends it back. */
  const consent = async (url: string) => {
    const res = await fetch(url, { redirect: 'manual' });
    return { status: res.status, location: res.headers.get('location'), text: await res.text() };
  };
  const authorize = async (vendor: FakeOAuthVendor, redirectUri = redirectOf(vendor)) => {
    const answer = await consent(authorizationUrl(client(vendor), redirectUri, 'state-1'));
    expect(answer.status).toBe(302);
    const back = new URL(answer.location!);
    expect(back.searchParams.get('state')).toBe('state-1');
    return back.searchParams.get('code')!;
  };
  const post = (vendor: FakeOAuthVendor, body: string, headers: Record<string, string>) =>
    fetch(client(vendor).tokenUrl, { method: 'POST', headers, body }).then(async (res) => ({
      status: res.status,
      body: (await res.json()) as Record<string, unknown>,
    }));

  beforeAll(async () => {
    fake = await startFakeOAuthProvider({
      clients: {
        slack: { clientId: '111.222', clientSecret: SECRETS.slack, redirectUris: [redirectOf('slack')] },
        discord: {
          clientId: '333444555',
          clientSecret: SECRETS.discord,
          redirectUris: [redirectOf('discord')],
        },
        hubspot: {
          clientId: 'hub-client',
          clientSecret: SECRETS.hubspot,
          redirectUris: [redirectOf('hubspot')],
        },
      },
      hubspotTokenTtlSeconds: 1,
      codeTtlMs: 300,
    });
  });
  afterAll(async () => {
    await fake.close();
  });

  it('Slack: a code gives the incoming webhook once; Basic auth, the same redirect URI, the right secret', async () => {
    const code = await authorize('slack');
    const grant = await requestTokens(client('slack'), {
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectOf('slack'),
    });
    expect(grant).toMatchObject({
      kind: 'webhook-url',
      url: expect.stringMatching(/^https:\/\/hooks\.slack\.com\/services\/T0FAKE\/B[0-9A-F]+\/\w+$/),
      account: { workspace: 'Fake Workspace', channel: '#payments' },
    });
    expect(fake.tokenRequests.at(-1)).toMatchObject({ vendor: 'slack', clientAuthentication: 'basic' });
    const again = await requestTokens(client('slack'), {
      grant_type: 'authorization_code',
      code,
      redirect_uri: redirectOf('slack'),
    });
    expect(again).toEqual({ error: 'invalid_grant', description: 'Slack refused the request: invalid_code' });

    const wrongSecret = await requestTokens(client('slack', 'nope'), {
      grant_type: 'authorization_code',
      code: await authorize('slack'),
      redirect_uri: redirectOf('slack'),
    });
    expect(wrongSecret).toMatchObject({
      error: 'invalid_client',
      description: expect.stringContaining('bad_client_secret'),
    });
    const otherRedirect = await requestTokens(client('slack'), {
      grant_type: 'authorization_code',
      code: await authorize('slack'),
      redirect_uri: 'https://elsewhere.example/cb',
    });
    expect(otherRedirect).toMatchObject({
      error: 'invalid_request',
      description: expect.stringContaining('bad_redirect_uri'),
    });
    // Form credentials are accepted too; JSON is not a token request.
    const form = new URLSearchParams({
      code: await authorize('slack'),
      redirect_uri: redirectOf('slack'),
      client_id: '111.222',
      client_secret: SECRETS.slack,
    });
    expect(
      (await post('slack', form.toString(), { 'content-type': 'application/x-www-form-urlencoded' })).body.ok,
    ).toBe(true);
    const json = await post('slack', JSON.stringify(Object.fromEntries(form)), {
      'content-type': 'application/json',
    });
    expect(json).toEqual({ status: 200, body: { ok: false, error: 'invalid_form_data' } });
  });

  it('never redirects to an unregistered redirect URI, and sends denials back as access_denied', async () => {
    const stray = await consent(authorizationUrl(client('slack'), 'https://attacker.example/cb', 's'));
    expect(stray).toMatchObject({ status: 400, location: null, text: 'bad_redirect_uri' });
    const unknownClient = await consent(
      authorizationUrl({ ...client('discord'), clientId: 'other' }, redirectOf('discord'), 's'),
    );
    expect(unknownClient.status).toBe(400);
    fake.consent = 'deny';
    try {
      const denied = await consent(authorizationUrl(client('discord'), redirectOf('discord'), 'state-2'));
      const back = new URL(denied.location!);
      expect(back.origin + back.pathname).toBe(redirectOf('discord'));
      expect(Object.fromEntries(back.searchParams)).toMatchObject({
        error: 'access_denied',
        state: 'state-2',
      });
      expect(back.searchParams.has('code')).toBe(false);
    } finally {
      fake.consent = 'allow';
    }
  });

  it('codes expire, and belong to the vendor and client they were issued to', async () => {
    const code = await authorize('hubspot');
    await sleep(400);
    expect(
      await requestTokens(client('hubspot'), {
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectOf('hubspot'),
      }),
    ).toMatchObject({ error: 'invalid_grant', description: expect.stringContaining('BAD_AUTH_CODE') });
    const slackCode = await authorize('slack');
    expect(
      await requestTokens(client('discord'), {
        grant_type: 'authorization_code',
        code: slackCode,
        redirect_uri: redirectOf('discord'),
      }),
    ).toEqual({ error: 'invalid_grant', description: 'Invalid "code" in request.' });
  });

  it('Discord: webhook.url from the code, grant_type required, client checked, form only', async () => {
    const code = await authorize('discord');
    expect(
      await post('discord', new URLSearchParams({ code, redirect_uri: redirectOf('discord') }).toString(), {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`333444555:${SECRETS.discord}`).toString('base64')}`,
      }),
    ).toEqual({ status: 400, body: { error: 'unsupported_grant_type' } });
    const badClient = await requestTokens(client('discord', 'wrong'), {
      grant_type: 'authorization_code',
      code: await authorize('discord'),
      redirect_uri: redirectOf('discord'),
    });
    expect(badClient).toEqual({ error: 'invalid_client', description: 'Discord refused the request' });
    const grant = await requestTokens(client('discord'), {
      grant_type: 'authorization_code',
      code: await authorize('discord'),
      redirect_uri: redirectOf('discord'),
    });
    expect(grant).toMatchObject({
      kind: 'webhook-url',
      url: expect.stringMatching(/^https:\/\/discord\.com\/api\/webhooks\/\d+\/[\w-]+$/),
      account: { webhook: 'Payments', guildId: '290926792226357250' },
    });
    const json = await post('discord', '{}', { 'content-type': 'application/json' });
    expect(json.status).toBe(400);
  });

  it('HubSpot: credentials in the form only, tokens that expire, refresh until revoked', async () => {
    const code = await authorize('hubspot');
    const basicOnly = await post(
      'hubspot',
      new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectOf('hubspot'),
      }).toString(),
      {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`hub-client:${SECRETS.hubspot}`).toString('base64')}`,
      },
    );
    expect(basicOnly).toMatchObject({ status: 400, body: { status: 'BAD_CLIENT_ID' } });
    const grant = await requestTokens(client('hubspot'), {
      grant_type: 'authorization_code',
      code: await authorize('hubspot'),
      redirect_uri: redirectOf('hubspot'),
    });
    if (!('kind' in grant) || grant.kind !== 'tokens') throw new Error(`no tokens: ${JSON.stringify(grant)}`);
    expect(grant.expiresInSeconds).toBe(1);
    expect(fake.tokenRequests.at(-1)).toMatchObject({ vendor: 'hubspot', clientAuthentication: 'form' });
    expect(fake.hubspotAccessTokens).toContain(grant.accessToken);
    await expect
      .poll(() => fake.hubspotAccessTokens.includes(grant.accessToken), { timeout: 3000 })
      .toBe(false);

    const renewed = await requestTokens(client('hubspot'), {
      grant_type: 'refresh_token',
      refresh_token: grant.refreshToken!,
    });
    expect(renewed).toMatchObject({ kind: 'tokens', refreshToken: grant.refreshToken });
    expect(fake.hubspotAccessTokens).toContain((renewed as { accessToken: string }).accessToken);

    fake.revokeHubspotRefreshTokens();
    expect(
      await requestTokens(client('hubspot'), {
        grant_type: 'refresh_token',
        refresh_token: grant.refreshToken!,
      }),
    ).toEqual({
      error: 'invalid_grant',
      description: 'HubSpot refused the request: BAD_REFRESH_TOKEN (missing or unknown refresh token)',
    });
  });

  it('an unreachable token endpoint is a temporary failure, and says nothing it sent', async () => {
    const answer = await requestTokens(
      { ...client('hubspot'), tokenUrl: 'http://127.0.0.1:1/oauth/v1/token' },
      { grant_type: 'refresh_token', refresh_token: 'rt-secret-value' },
    );
    expect(answer).toMatchObject({ error: 'temporarily_unavailable' });
    expect(JSON.stringify(answer)).not.toMatch(/rt-secret-value|hubspot-secret/);
  });
});
