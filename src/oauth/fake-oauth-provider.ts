import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { discordOAuth } from '../connectors/discord/oauth.ts';
import { hubspotOAuth } from '../connectors/hubspot/oauth.ts';
import { slackOAuth } from '../connectors/slack/oauth.ts';

/**
 * A stand-in for the OAuth servers of Slack (`oauth/v2/authorize`, `api/oauth.v2.access`), Discord
 * (`oauth2/authorize`, `api/oauth2/token`) and HubSpot (`oauth/authorize`, `oauth/v1/token`) on 127.0.0.1, for
 * tests and demos. The consent page answers at once as `consent` says. It holds the real contract and accepts
 * nothing else: only registered clients, only their registered redirect URIs (an unknown one gets an error
 * page, never a redirect), the card's scopes, form-encoded token requests, the client secret where the vendor
 * takes it (Slack and Discord: HTTP Basic or the form; HubSpot: the form only), the redirect URI of the
 * authorization again, codes of this client used once within `codeTtlMs`, known grant types, and for HubSpot
 * refresh tokens that were issued and not revoked, each access token valid `hubspotTokenTtlSeconds`. Errors
 * come in each vendor's shape: Slack `{ok: false, error}` with 200, Discord `{error, error_description}` with
 * 400/401, HubSpot `{status, message, correlationId}` with 400 **[HubSpot's client and redirect codes partly
 * unverified]**.
 */

export type FakeOAuthVendor = 'slack' | 'discord' | 'hubspot';

export interface FakeOAuthClient {
  clientId: string;
  clientSecret: string;
  /** Redirect URIs registered for the app; requests must name one exactly. */
  redirectUris: string[];
}

export interface FakeOAuthProviderOptions {
  clients: Partial<Record<FakeOAuthVendor, FakeOAuthClient>>;
  /** Incoming-webhook URLs handed out in turn, as the channels merchants pick; random ones after them. */
  webhookUrls?: { slack?: string[]; discord?: string[] };
  /** Lifetime of HubSpot access tokens (`expires_in`); HubSpot's is 1800. */
  hubspotTokenTtlSeconds?: number;
  /** How long an authorization code can be exchanged. */
  codeTtlMs?: number;
}

export interface FakeTokenRequest {
  vendor: FakeOAuthVendor;
  grantType: string;
  /** How the client authenticated: `basic`, `form`, or `none`. */
  clientAuthentication: string;
  accepted: boolean;
}

export interface FakeOAuthProvider {
  url: string;
  /** The `SWITCHYARD_OAUTH_*` settings that point a Switchyard at this fake, for each registered client. */
  env(): Record<string, string>;
  /** What the merchant answers on the consent pages from now on. */
  consent: 'allow' | 'deny';
  /** HubSpot access tokens still valid (expired ones leave); the HubSpot fake's `tokens`. */
  hubspotAccessTokens: string[];
  /** The merchant uninstalled the HubSpot app: every refresh token stops working. */
  revokeHubspotRefreshTokens(): void;
  /** Registers redirect URIs once the server they belong to is listening. */
  setRedirectUris(vendor: FakeOAuthVendor, uris: string[]): void;
  tokenRequests: FakeTokenRequest[];
  /** Every secret handed out (codes, tokens, webhook URLs), to check that none leaks. */
  issued: string[];
  close(): Promise<void>;
}

interface IssuedCode {
  vendor: FakeOAuthVendor;
  clientId: string;
  redirectUri: string;
  expiresAt: number;
  used: boolean;
  webhookUrl?: string;
}

const OAUTH = { slack: slackOAuth, discord: discordOAuth, hubspot: hubspotOAuth };
const VENDORS = Object.keys(OAUTH) as FakeOAuthVendor[];
const pathOf = (url: string) => new URL(url).pathname;
const READ_LIMIT = 64 * 1024;

function secretsEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams | undefined> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > READ_LIMIT) return undefined;
    chunks.push(chunk);
  }
  if (type !== 'application/x-www-form-urlencoded') return undefined;
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** `Authorization: Basic` credentials, form-decoded as RFC 6749 §2.3.1 has them. */
function basicCredentials(req: IncomingMessage): { id: string; secret: string } | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(req.headers.authorization ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  try {
    return {
      id: decodeURIComponent(decoded.slice(0, colon)),
      secret: decodeURIComponent(decoded.slice(colon + 1)),
    };
  } catch {
    return undefined;
  }
}

const randomSecret = (prefix: string) =>
  `${prefix}${randomBytes(24).toString('base64url').replace(/[-_]/g, 'x')}`;

/** A token endpoint's answer, and whether it granted anything. */
interface Answer {
  statusCode: number;
  body: unknown;
  accepted: boolean;
}
const granted = (body: unknown): Answer => ({ statusCode: 200, body, accepted: true });
const refused = (statusCode: number, body: unknown): Answer => ({ statusCode, body, accepted: false });

export async function startFakeOAuthProvider(options: FakeOAuthProviderOptions): Promise<FakeOAuthProvider> {
  const codeTtlMs = options.codeTtlMs ?? 5 * 60_000;
  const hubspotTtl = options.hubspotTokenTtlSeconds ?? 1800;
  const codes = new Map<string, IssuedCode>();
  const hubspotRefreshTokens = new Set<string>();
  const timers = new Set<NodeJS.Timeout>();
  const webhookQueues = {
    slack: [...(options.webhookUrls?.slack ?? [])],
    discord: [...(options.webhookUrls?.discord ?? [])],
  };

  const fake: FakeOAuthProvider = {
    url: '',
    consent: 'allow',
    hubspotAccessTokens: [],
    tokenRequests: [],
    issued: [],
    env() {
      const env: Record<string, string> = {};
      for (const vendor of VENDORS) {
        const client = options.clients[vendor];
        if (!client) continue;
        const prefix = `SWITCHYARD_OAUTH_${vendor.toUpperCase()}`;
        env[`${prefix}_CLIENT_ID`] = client.clientId;
        env[`${prefix}_CLIENT_SECRET`] = client.clientSecret;
        env[`${prefix}_AUTHORIZE_URL`] = `${fake.url}${pathOf(OAUTH[vendor].authorizeUrl)}`;
        env[`${prefix}_TOKEN_URL`] = `${fake.url}${pathOf(OAUTH[vendor].tokenUrl)}`;
      }
      return env;
    },
    revokeHubspotRefreshTokens() {
      hubspotRefreshTokens.clear();
    },
    setRedirectUris(vendor, uris) {
      const client = options.clients[vendor];
      if (!client) throw new Error(`no ${vendor} client is registered with the fake`);
      client.redirectUris = [...uris];
    },
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  function issue<T extends string>(secret: T): T {
    fake.issued.push(secret);
    return secret;
  }

  function nextWebhookUrl(vendor: 'slack' | 'discord'): string {
    const queued = webhookQueues[vendor].shift();
    if (queued) return issue(queued);
    if (vendor === 'slack') {
      return issue(
        `https://hooks.slack.com/services/T0FAKE/B${randomBytes(5).toString('hex').toUpperCase()}/${randomSecret('')}`,
      );
    }
    const id = String(100_000_000_000_000_000n + BigInt(Math.floor(Math.random() * 1e12)));
    return issue(`https://discord.com/api/webhooks/${id}/${randomSecret('')}`);
  }

  function issueHubspotAccessToken(): string {
    const accessToken = issue(randomSecret('fake-hubspot-at-'));
    fake.hubspotAccessTokens.push(accessToken);
    const timer = setTimeout(() => {
      timers.delete(timer);
      const index = fake.hubspotAccessTokens.indexOf(accessToken);
      if (index >= 0) fake.hubspotAccessTokens.splice(index, 1);
    }, hubspotTtl * 1000);
    timer.unref();
    timers.add(timer);
    return accessToken;
  }

  const page = (res: ServerResponse, statusCode: number, message: string) => {
    res.writeHead(statusCode, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(message);
  };
  const redirect = (res: ServerResponse, target: string, params: Record<string, string | undefined>) => {
    const url = new URL(target);
    for (const [key, value] of Object.entries(params))
      if (value !== undefined) url.searchParams.set(key, value);
    res.writeHead(302, { location: url.toString() });
    res.end();
  };
  const json = (res: ServerResponse, statusCode: number, body: unknown) => {
    res.writeHead(statusCode, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  };

  function authorize(vendor: FakeOAuthVendor, query: URLSearchParams, res: ServerResponse) {
    const client = options.clients[vendor];
    if (!client || query.get('client_id') !== client.clientId) return page(res, 400, 'invalid_client_id');
    const redirectUri = query.get('redirect_uri') ?? '';
    if (!client.redirectUris.includes(redirectUri)) return page(res, 400, 'bad_redirect_uri');
    const state = query.get('state') ?? undefined;
    if (vendor === 'discord' && query.get('response_type') !== 'code') {
      return redirect(res, redirectUri, { error: 'unsupported_response_type', state });
    }
    const oauth = OAUTH[vendor];
    const scopes = (query.get('scope') ?? '').split(oauth.scopeSeparator).filter(Boolean);
    const needed = vendor === 'hubspot' ? scopes.length > 0 : scopes.includes(oauth.scopes[0]!);
    if (!needed || scopes.some((scope) => !oauth.scopes.includes(scope))) {
      return redirect(res, redirectUri, { error: 'invalid_scope', state });
    }
    if (fake.consent === 'deny') {
      return redirect(res, redirectUri, {
        error: 'access_denied',
        ...(vendor === 'discord'
          ? { error_description: 'The resource owner or authorization server denied the request' }
          : {}),
        state,
      });
    }
    const code = issue(randomSecret(`${vendor}-code-`));
    codes.set(code, {
      vendor,
      clientId: client.clientId,
      redirectUri,
      expiresAt: Date.now() + codeTtlMs,
      used: false,
      ...(vendor === 'hubspot' ? {} : { webhookUrl: nextWebhookUrl(vendor) }),
    });
    return redirect(res, redirectUri, { code, state });
  }

  /** The code, if it may be exchanged now by this client; a code is spent by any exchange attempt. */
  function redeem(vendor: FakeOAuthVendor, code: string | null, clientId: string): IssuedCode | undefined {
    const issued = code ? codes.get(code) : undefined;
    if (!issued || issued.vendor !== vendor || issued.clientId !== clientId) return undefined;
    const usable = !issued.used && issued.expiresAt > Date.now();
    issued.used = true;
    return usable ? issued : undefined;
  }

  function slackToken(form: URLSearchParams, req: IncomingMessage): Answer {
    const client = options.clients.slack!;
    const fail = (error: string) => refused(200, { ok: false, error });
    const basic = basicCredentials(req);
    const id = basic?.id ?? form.get('client_id');
    const secret = basic?.secret ?? form.get('client_secret');
    if (basic && form.has('client_id') && form.get('client_id') !== basic.id)
      return fail('invalid_client_id');
    if (id !== client.clientId) return fail('invalid_client_id');
    if (!secret || !secretsEqual(secret, client.clientSecret)) return fail('bad_client_secret');
    const grantType = form.get('grant_type');
    if (grantType !== null && grantType !== 'authorization_code') return fail('invalid_grant_type');
    const issued = redeem('slack', form.get('code'), client.clientId);
    if (!issued) return fail('invalid_code');
    if (form.get('redirect_uri') !== issued.redirectUri) return fail('bad_redirect_uri');
    const [, , team, hook] = new URL(issued.webhookUrl!).pathname.split('/');
    return granted({
      ok: true,
      app_id: 'A0FAKE',
      authed_user: { id: 'U0FAKE' },
      scope: 'incoming-webhook',
      token_type: 'bot',
      access_token: issue(randomSecret('xoxb-fake-')),
      bot_user_id: 'U0FAKEBOT',
      team: { id: team, name: 'Fake Workspace' },
      enterprise: null,
      is_enterprise_install: false,
      incoming_webhook: {
        channel: '#payments',
        channel_id: 'C0FAKE',
        configuration_url: `https://fake-workspace.slack.com/services/${hook}`,
        url: issued.webhookUrl,
      },
    });
  }

  function discordToken(form: URLSearchParams, req: IncomingMessage): Answer {
    const client = options.clients.discord!;
    const basic = basicCredentials(req);
    const id = basic?.id ?? form.get('client_id');
    const secret = basic?.secret ?? form.get('client_secret');
    if (id !== client.clientId || !secret || !secretsEqual(secret, client.clientSecret)) {
      return refused(401, { error: 'invalid_client' });
    }
    if (form.get('grant_type') !== 'authorization_code')
      return refused(400, { error: 'unsupported_grant_type' });
    const issued = redeem('discord', form.get('code'), client.clientId);
    if (!issued)
      return refused(400, { error: 'invalid_grant', error_description: 'Invalid "code" in request.' });
    if (form.get('redirect_uri') !== issued.redirectUri) {
      return refused(400, {
        error: 'invalid_grant',
        error_description: 'Invalid "redirect_uri" in request.',
      });
    }
    const [, , , webhookId, webhookToken] = new URL(issued.webhookUrl!).pathname.split('/');
    return granted({
      token_type: 'Bearer',
      access_token: issue(randomSecret('fake-discord-at-')),
      scope: 'webhook.incoming',
      expires_in: 604_800,
      refresh_token: issue(randomSecret('fake-discord-rt-')),
      webhook: {
        application_id: client.clientId,
        name: 'Payments',
        url: issued.webhookUrl,
        channel_id: '345626669224982402',
        token: webhookToken,
        type: 1,
        avatar: null,
        guild_id: '290926792226357250',
        id: webhookId,
      },
    });
  }

  function hubspotToken(form: URLSearchParams): Answer {
    const client = options.clients.hubspot!;
    const fail = (status: string, message: string) =>
      refused(400, { status, message, correlationId: randomUUID() });
    const tokens = (refreshToken: string) =>
      granted({
        token_type: 'bearer',
        refresh_token: refreshToken,
        access_token: issueHubspotAccessToken(),
        expires_in: hubspotTtl,
      });
    // HubSpot takes the client id and secret in the form only; an Authorization header does not count.
    if (form.get('client_id') !== client.clientId)
      return fail('BAD_CLIENT_ID', 'missing or unknown client id');
    const secret = form.get('client_secret');
    if (!secret || !secretsEqual(secret, client.clientSecret)) {
      return fail('BAD_CLIENT_SECRET', 'missing or invalid client secret');
    }
    const grantType = form.get('grant_type');
    if (grantType === 'authorization_code') {
      const issued = redeem('hubspot', form.get('code'), client.clientId);
      if (!issued) return fail('BAD_AUTH_CODE', 'missing or unknown auth code');
      if (form.get('redirect_uri') !== issued.redirectUri) {
        return fail('BAD_REDIRECT_URI', 'redirect_uri does not match the one of the authorization');
      }
      const refreshToken = issue(randomUUID());
      hubspotRefreshTokens.add(refreshToken);
      return tokens(refreshToken);
    }
    if (grantType === 'refresh_token') {
      const refreshToken = form.get('refresh_token');
      if (!refreshToken || !hubspotRefreshTokens.has(refreshToken)) {
        return fail('BAD_REFRESH_TOKEN', 'missing or unknown refresh token');
      }
      return tokens(refreshToken);
    }
    return fail('BAD_GRANT_TYPE', 'missing or unknown grant type');
  }

  /** Vendors take only form-encoded token requests. */
  function notAForm(vendor: FakeOAuthVendor): Answer {
    if (vendor === 'slack') return refused(200, { ok: false, error: 'invalid_form_data' });
    if (vendor === 'discord') {
      return refused(400, { error: 'invalid_request', error_description: 'form-encoded body required' });
    }
    return refused(415, { status: 'error', message: 'Unsupported Media Type', correlationId: randomUUID() });
  }

  async function exchange(vendor: FakeOAuthVendor, req: IncomingMessage, res: ServerResponse) {
    if (!options.clients[vendor]) return page(res, 404, 'no such app');
    const form = await readForm(req);
    const answer = !form
      ? notAForm(vendor)
      : vendor === 'slack'
        ? slackToken(form, req)
        : vendor === 'discord'
          ? discordToken(form, req)
          : hubspotToken(form);
    const basic = vendor !== 'hubspot' && basicCredentials(req) !== undefined;
    fake.tokenRequests.push({
      vendor,
      grantType: form?.get('grant_type') ?? '',
      clientAuthentication: basic ? 'basic' : form?.has('client_secret') ? 'form' : 'none',
      accepted: answer.accepted,
    });
    return json(res, answer.statusCode, answer.body);
  }

  const routes = new Map<string, (req: IncomingMessage, res: ServerResponse, url: URL) => unknown>();
  for (const vendor of VENDORS) {
    routes.set(`GET ${pathOf(OAUTH[vendor].authorizeUrl)}`, (_req, res, url) =>
      authorize(vendor, url.searchParams, res),
    );
    routes.set(`POST ${pathOf(OAUTH[vendor].tokenUrl)}`, (req, res) => exchange(vendor, req, res));
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const route = routes.get(`${req.method} ${url.pathname}`);
    if (!route) return page(res, 404, 'not found');
    Promise.resolve(route(req, res, url)).catch(() => {
      if (!res.headersSent) page(res, 500, 'fake failed');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return fake;
}
