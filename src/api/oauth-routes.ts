import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { findConnector } from '../connectors/index.ts';
import { type OAuthConnection, StoreError } from '../db/index.ts';
import {
  authorizationUrl,
  createOAuthState,
  hashOAuthState,
  OAUTH_CALLBACK_ROUTE,
  OAUTH_STATE_TTL_MS,
  type OAuthClient,
  oauthRedirectUri,
  requestTokens,
  tokenCredentials,
} from '../oauth/index.ts';
import { ApiError, invalidField, notFound } from './api-error.ts';
import { requireApp } from './auth.ts';
import {
  errorResponses,
  jsonBody,
  jsonResponse,
  pageQuerySchema,
  problemSchema,
  timestampSchema,
} from './common-schemas.ts';
import type { ApiEnv, ApiOptions } from './context.ts';
import { createRouter } from './router.ts';

/** Connections that completed nowhere are dropped after this long, with what they held. */
const STALE_AFTER_MS = 24 * 3_600_000;

const CALLBACK_PATH = /^\/api\/v1\/oauth\/[^/]+\/callback$/;

/** The vendor's redirect carries no bearer token: the state is what authenticates it. */
export function isOAuthCallback(path: string): boolean {
  return CALLBACK_PATH.test(path);
}

const returnPathSchema = z
  .string()
  .max(2048)
  .regex(/^\/(?![/\\])[^\s\\]*$/, 'must be a path on this installation, starting with a single "/"');

const authorizeInSchema = z
  .strictObject({
    endpointId: z.string().min(1).max(256).nullish().openapi({
      description:
        'Reconnect this endpoint (made from the same card): the authorization replaces its webhook URL or tokens',
    }),
    returnPath: returnPathSchema.nullish().openapi({
      description:
        "Where the merchant's browser goes afterwards, under SWITCHYARD_PUBLIC_URL, with ?connection=…&status=connected|failed[&error=…]. Omitted: the callback answers with JSON.",
      example: '/app/acme/connectors',
    }),
  })
  .openapi('OAuthAuthorizeIn');

const authorizeOutSchema = z
  .object({
    connectionId: z.string(),
    authorizeUrl: z
      .string()
      .openapi({ description: "The vendor's consent page: open it in a popup or navigate" }),
    expiresAt: timestampSchema,
  })
  .openapi('OAuthAuthorizeOut');

const connectionOutSchema = z
  .object({
    id: z.string(),
    connector: z.string(),
    status: z.enum(['pending', 'connected', 'failed', 'needs_reconnect']),
    endpointId: z.string().nullable(),
    account: z.record(z.string(), z.string()).openapi({ description: 'Workspace, channel…: nothing secret' }),
    error: z.object({ code: z.string(), detail: z.string() }).nullable(),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  })
  .openapi('OAuthConnectionOut');

function toConnectionOut(row: OAuthConnection): z.infer<typeof connectionOutSchema> {
  return {
    id: row.id,
    connector: row.connectorId,
    status: row.status,
    endpointId: row.endpointId,
    account: row.account,
    error: row.errorCode ? { code: row.errorCode, detail: row.errorDetail ?? '' } : null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The problem a failed connection is answered with when no return path takes the browser back. */
function problemOf(row: OAuthConnection): ApiError {
  const detail = row.errorDetail ?? 'The authorization failed';
  switch (row.errorCode) {
    case 'state_expired':
      return new ApiError(400, 'oauth_state_expired', detail);
    case 'access_denied':
      return new ApiError(400, 'oauth_access_denied', detail);
    case 'invalid_grant':
      return new ApiError(400, 'oauth_code_rejected', detail);
    case 'endpoint_gone':
      return new ApiError(404, 'not_found', detail);
    case 'invalid_client':
    case 'invalid_request':
    case 'invalid_response':
    case 'unsupported_grant_type':
    case 'temporarily_unavailable':
      return new ApiError(502, 'oauth_exchange_failed', detail);
    default:
      return new ApiError(400, 'oauth_authorization_failed', detail);
  }
}

/** Why a vendor's refusal of the code happened, for the merchant (or the operator, when it is theirs). */
function refusalDetail(client: OAuthClient, error: string, description: string): string {
  const name = client.connector.manifest.name;
  if (error === 'invalid_grant') {
    return `${name} refused the authorization code (${description}): it expired or was already used; connect again`;
  }
  if (error === 'invalid_client') {
    return `${name} refused this installation's OAuth client (${description}): the operator must check SWITCHYARD_OAUTH_${client.connector.manifest.id.toUpperCase()}_CLIENT_ID and _CLIENT_SECRET`;
  }
  return `${name} did not complete the authorization (${error}: ${description})`;
}

const noStore = { 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' };

export function oauthRoutes({ store, logger, publicUrl, oauth: clients = new Map() }: ApiOptions) {
  const router = createRouter();
  const connections = store.oauthConnections;

  /** The vendor's answer, applied: kept for a new endpoint, or given to the endpoint being reconnected. */
  async function complete(
    client: OAuthClient,
    connection: OAuthConnection,
    query: { code?: string | undefined; error?: string | undefined; error_description?: string | undefined },
  ): Promise<OAuthConnection> {
    const { manifest } = client.connector;
    if (query.error) {
      const code = /^[A-Za-z0-9_.-]{1,64}$/.test(query.error) ? query.error : 'authorization_error';
      const said = query.error_description ? ` (${query.error_description.slice(0, 200)})` : '';
      return connections.fail(
        connection.id,
        code,
        code === 'access_denied'
          ? `Access to ${manifest.name} was not allowed on ${manifest.name}'s page${said}; connect again to retry`
          : `${manifest.name} did not authorize: ${code}${said}`,
      );
    }
    if (!query.code) {
      return connections.fail(
        connection.id,
        'invalid_request',
        `${manifest.name} sent no authorization code`,
      );
    }
    const answer = await requestTokens(client, {
      grant_type: 'authorization_code',
      code: query.code,
      redirect_uri: connection.redirectUri,
    });
    if ('error' in answer) {
      logger.warn(
        { connectionId: connection.id, connector: manifest.id, error: answer.error },
        'OAuth code exchange refused',
      );
      return connections.fail(
        connection.id,
        answer.error,
        refusalDetail(client, answer.error, answer.description),
      );
    }
    if (answer.kind !== manifest.oauth!.yields || (answer.kind === 'tokens' && !answer.refreshToken)) {
      return connections.fail(
        connection.id,
        'invalid_response',
        `${manifest.name} answered without the ${manifest.oauth!.yields === 'tokens' ? 'access and refresh tokens' : 'webhook URL'} the card needs`,
      );
    }
    const credentials = answer.kind === 'webhook-url' ? { url: answer.url } : tokenCredentials(answer);
    let completed: OAuthConnection;
    if (connection.endpointId) {
      try {
        if (answer.kind === 'webhook-url') {
          await store.endpoints.update(connection.appId, connection.endpointId, { url: answer.url });
        } else {
          await store.endpoints.setCredentials(connection.appId, connection.endpointId, credentials);
        }
      } catch (error) {
        if (!(error instanceof StoreError && error.code === 'not_found')) throw error;
        return connections.fail(
          connection.id,
          'endpoint_gone',
          'The endpoint to reconnect was deleted meanwhile',
        );
      }
      completed = await connections.completeForEndpoint(connection.id, connection.endpointId, answer.account);
    } else {
      completed = await connections.complete(connection.id, credentials, answer.account);
    }
    logger.info(
      {
        connectionId: connection.id,
        appId: connection.appId,
        connector: manifest.id,
        endpointId: connection.endpointId,
      },
      'OAuth connection completed',
    );
    return completed;
  }

  /** Back to the dashboard with the outcome in the query, or the outcome itself for an API client. */
  function finish(c: Context<ApiEnv>, row: OAuthConnection): Response {
    if (row.returnPath) {
      const target = new URL(`${publicUrl.replace(/\/+$/, '')}${row.returnPath}`);
      target.searchParams.set('connection', row.id);
      target.searchParams.set('status', row.status === 'connected' ? 'connected' : 'failed');
      if (row.status !== 'connected') target.searchParams.set('error', row.errorCode ?? 'failed');
      return c.body(null, 303, { ...noStore, location: target.toString() });
    }
    if (row.status !== 'connected') throw problemOf(row);
    return c.json(toConnectionOut(row), 200, noStore);
  }

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/app/{app_id}/oauth/{connector_id}/authorize',
      tags: ['OAuth'],
      summary:
        "Start connecting a card through the vendor's OAuth: returns the consent page's URL, with a state that is single-use and expires in 10 minutes",
      request: {
        params: z.object({ app_id: z.string().min(1).max(256), connector_id: z.string().min(1).max(64) }),
        ...jsonBody(authorizeInSchema),
      },
      responses: { 201: jsonResponse(authorizeOutSchema, 'Authorization started'), ...errorResponses },
    }),
    async (c) => {
      const app = await requireApp(c, store);
      const body = c.req.valid('json');
      const connector = findConnector(c.req.valid('param').connector_id);
      if (!connector) throw notFound('Connector');
      const { manifest } = connector;
      if (!manifest.oauth) {
        throw new ApiError(
          400,
          'oauth_not_supported',
          `${manifest.name} has no OAuth connect: send its credentials`,
        );
      }
      const client = clients.get(manifest.id);
      if (!client) {
        throw new ApiError(
          400,
          'oauth_not_configured',
          `This installation has no ${manifest.name} OAuth app (SWITCHYARD_OAUTH_${manifest.id.toUpperCase()}_CLIENT_ID and _CLIENT_SECRET): ${manifest.oauth.yields === 'webhook-url' ? 'paste the webhook URL' : 'send the access token'} instead`,
        );
      }
      let endpointId: string | null = null;
      if (body.endpointId) {
        const endpoint = await store.endpoints.find(app.id, body.endpointId);
        if (!endpoint) throw notFound('Endpoint');
        if (endpoint.connectorId !== manifest.id) {
          throw invalidField(['endpointId'], `the endpoint was not made from the ${manifest.name} card`);
        }
        endpointId = endpoint.id;
      }
      await connections.purgeStale(new Date(Date.now() - STALE_AFTER_MS));
      const { state, hash } = createOAuthState();
      const redirectUri = oauthRedirectUri(publicUrl, manifest.id);
      const connection = await connections.start({
        appId: app.id,
        connectorId: manifest.id,
        endpointId,
        stateHash: hash,
        stateExpiresAt: new Date(Date.now() + OAUTH_STATE_TTL_MS),
        redirectUri,
        returnPath: body.returnPath ?? null,
      });
      return c.json(
        {
          connectionId: connection.id,
          authorizeUrl: authorizationUrl(client, redirectUri, state),
          expiresAt: connection.stateExpiresAt.toISOString(),
        },
        201,
        { 'cache-control': 'no-store' },
      );
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: OAUTH_CALLBACK_ROUTE,
      tags: ['OAuth'],
      summary:
        "The vendor's redirect after consent (no bearer token: the state authenticates it); register this URL with the vendor",
      request: {
        params: z.object({ connector_id: z.string().min(1).max(64) }),
        query: z.object({
          state: z.string().max(512).optional(),
          code: z.string().max(4096).optional(),
          error: z.string().max(256).optional(),
          error_description: z.string().max(4096).optional(),
        }),
      },
      responses: {
        200: jsonResponse(connectionOutSchema, 'Connected (when the authorization named no return path)'),
        303: { description: 'Back to the return path with ?connection=…&status=connected|failed[&error=…]' },
        502: {
          description: "The vendor's token endpoint failed or refused this installation's client",
          content: { 'application/problem+json': { schema: problemSchema } },
        },
        ...errorResponses,
      },
    }),
    async (c) => {
      const connectorId = c.req.valid('param').connector_id;
      const query = c.req.valid('query');
      const client = clients.get(connectorId);
      if (!client) throw notFound('OAuth connect for this card');
      if (!query.state) {
        throw new ApiError(
          400,
          'oauth_state_invalid',
          'The callback carries no state: start connecting from Switchyard',
        );
      }
      const use = await connections.useState(connectorId, hashOAuthState(query.state));
      if (use.kind === 'unknown') {
        throw new ApiError(
          400,
          'oauth_state_invalid',
          'Unknown state: the link was altered, or this authorization was not started here; connect again',
        );
      }
      if (use.kind === 'used') {
        throw new ApiError(
          400,
          'oauth_state_used',
          'This authorization was already used; connect again to start a new one',
        );
      }
      if (use.kind === 'expired') return finish(c, use.connection);
      return finish(c, await complete(client, use.connection, query));
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/app/{app_id}/oauth-connection',
      tags: ['OAuth'],
      summary: "List the app's OAuth connections (their status: pending, connected, failed, needs_reconnect)",
      request: {
        params: z.object({ app_id: z.string().min(1).max(256) }),
        query: pageQuerySchema.extend({ endpointId: z.string().min(1).max(256).optional() }),
      },
      responses: {
        200: jsonResponse(
          z
            .object({
              data: z.array(connectionOutSchema),
              iterator: z.string().nullable(),
              prevIterator: z.string().nullable().optional(),
              done: z.boolean(),
            })
            .openapi('ListResponse_OAuthConnectionOut_'),
          'Connections',
        ),
        ...errorResponses,
      },
    }),
    async (c) => {
      const app = await requireApp(c, store);
      const { endpointId, ...page } = c.req.valid('query');
      const result = await connections.list(app.id, page, { endpointId });
      return c.json({ ...result, data: result.data.map(toConnectionOut) }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/app/{app_id}/oauth-connection/{connection_id}',
      tags: ['OAuth'],
      summary: 'Get an OAuth connection: its status, the account it reached, or why it failed',
      request: {
        params: z.object({ app_id: z.string().min(1).max(256), connection_id: z.string().min(1).max(64) }),
      },
      responses: { 200: jsonResponse(connectionOutSchema, 'The connection'), ...errorResponses },
    }),
    async (c) => {
      const app = await requireApp(c, store);
      const connection = await connections.find(app.id, c.req.valid('param').connection_id);
      if (!connection) throw notFound('OAuth connection');
      return c.json(toConnectionOut(connection), 200);
    },
  );

  return router;
}
