import { createRoute, z } from '@hono/zod-openapi';
import type { Endpoint, Store } from '../db/index.ts';
import { normalizeSigningSecret } from '../secrets/index.ts';
import { invalidField, notFound, validationError } from './api-error.ts';
import { requireApp, requireEndpoint } from './auth.ts';
import {
  channelsSchema,
  dateParam,
  errorResponses,
  eventTypeNameSchema,
  jsonBody,
  jsonResponse,
  listResponseSchema,
  metadataSchema,
  noContent,
  pageQuerySchema,
  throttleRateSchema,
  uidSchema,
} from './common-schemas.ts';
import { connectorInSchema, resolveConnector, toConnectorOut } from './connector-routes.ts';
import type { ApiOptions } from './context.ts';
import { headerNameSchema, headersSchema, toHeadersOut } from './endpoint-headers.ts';
import { claimConnection } from './oauth-connection-claim.ts';
import { createRouter } from './router.ts';
import { endpointOutSchema, toEndpointOut } from './svix-models.ts';

const urlSchema = z
  .string()
  .min(1)
  .max(65536)
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '';
    } catch {
      return false;
    }
  }, 'must be an absolute http:// or https:// URL')
  .openapi({ format: 'uri', example: 'https://example.com/webhooks' });

const eventTypesSchema = z
  .array(eventTypeNameSchema)
  .min(1)
  .refine((a) => new Set(a).size === a.length, 'event types must be unique');

const secretSchema = z
  .string()
  .refine((s) => normalizeSigningSecret(s) !== undefined, 'must be whsec_ and 24–75 bytes of base64');

const endpointFields = {
  url: urlSchema,
  description: z.string().max(10_000).optional(),
  uid: uidSchema('ep_').nullish(),
  eventTypes: eventTypesSchema.nullish(),
  /** svix 1.x name of eventTypes */
  filterTypes: eventTypesSchema.nullish(),
  channels: channelsSchema.nullish(),
  throttleRate: throttleRateSchema.nullish(),
  /** svix 1.x name of throttleRate */
  rateLimit: throttleRateSchema.nullish(),
  disabled: z.boolean().optional(),
  metadata: metadataSchema.optional(),
  /** svix 1.x sent a version; it has no meaning here */
  version: z.number().int().optional(),
};

const endpointInSchema = z
  .strictObject({
    ...endpointFields,
    url: urlSchema
      .optional()
      .openapi({ description: "Required, except for a connector's endpoint (default: the vendor's API)" }),
    secret: secretSchema.nullish(),
    headers: headersSchema.nullish(),
    connector: connectorInSchema
      .optional()
      .openapi({ description: 'Make the endpoint from an integration card (Switchyard extension)' }),
  })
  .refine((body) => body.url !== undefined || body.connector !== undefined, {
    message: 'Required',
    path: ['url'],
  })
  .openapi('EndpointIn');
const endpointUpsertSchema = z.strictObject(endpointFields).openapi('EndpointUpdate');
const { version: _version, ...patchFields } = endpointFields;
const endpointPatchSchema = z
  .strictObject(
    Object.fromEntries(Object.entries(patchFields).map(([k, v]) => [k, v.optional()])) as {
      [K in keyof typeof patchFields]: z.ZodOptional<(typeof patchFields)[K]>;
    },
  )
  .openapi('EndpointPatch');

type EndpointFields = Partial<z.infer<z.ZodObject<typeof endpointFields>>>;

/** Maps wire fields to store fields: aliases resolved, absent fields left out so that PATCH leaves them. */
function toEndpointInput(body: EndpointFields) {
  const eventTypes = body.eventTypes !== undefined ? body.eventTypes : body.filterTypes;
  const throttleRate = body.throttleRate !== undefined ? body.throttleRate : body.rateLimit;
  const input = {
    url: body.url,
    description: body.description,
    uid: body.uid,
    eventTypes,
    channels: body.channels,
    throttleRate,
    disabled: body.disabled,
    metadata: body.metadata,
  };
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as Partial<
    typeof input
  >;
}

/** Endpoints may only subscribe to event types of the catalog, so that a typo does not silently drop events. */
async function checkEventTypes(store: Store, eventTypes: string[] | null | undefined, field = 'eventTypes') {
  if (!eventTypes?.length) return;
  const known = new Set(await store.eventTypes.findLive(eventTypes));
  const issues = eventTypes
    .map((name, index) => ({ name, index }))
    .filter(({ name }) => !known.has(name))
    .map(({ name, index }) => ({
      loc: ['body', field, index],
      msg: `event type '${name}' does not exist (or is archived)`,
      type: 'value_error',
    }));
  if (issues.length) throw validationError(issues);
}

const appParam = z.object({ app_id: z.string().min(1).max(256) });
const endpointParam = appParam.extend({ endpoint_id: z.string().min(1).max(256) });
const tags = ['Endpoint'];
const BASE = '/api/v1/app/{app_id}/endpoint';

export function endpointRoutes({ store }: ApiOptions) {
  const router = createRouter();
  const out = (endpoint: Endpoint) =>
    toEndpointOut(endpoint, toConnectorOut(endpoint, store.endpoints.revealCredentials(endpoint)));

  router.openapi(
    createRoute({
      method: 'get',
      path: BASE,
      tags,
      summary: 'List endpoints',
      request: { params: appParam, query: pageQuerySchema },
      responses: {
        200: jsonResponse(listResponseSchema(endpointOutSchema, 'ListResponse_EndpointOut_'), 'Endpoints'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const app = await requireApp(c, store);
      const page = await store.endpoints.list(app.id, c.req.valid('query'));
      return c.json({ ...page, data: page.data.map(out) }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: BASE,
      tags,
      summary: 'Create an endpoint',
      request: { params: appParam, ...jsonBody(endpointInSchema) },
      responses: { 201: jsonResponse(endpointOutSchema, 'Created'), ...errorResponses },
    }),
    async (c) => {
      const app = await requireApp(c, store);
      const body = c.req.valid('json');
      const input = toEndpointInput(body);
      const card = body.connector ? resolveConnector(body.connector, ['body', 'connector']) : undefined;
      // A card's endpoint listens to what its template handles, so events the code passes through unchanged
      // are not sent raw to a vendor's API.
      const eventTypes =
        input.eventTypes !== undefined || !card
          ? input.eventTypes
          : (card.template?.eventTypes ?? card.connector.manifest.defaultEventTypes);
      await checkEventTypes(store, eventTypes, body.eventTypes !== undefined ? 'eventTypes' : 'filterTypes');
      // A vendor card defaults to the vendor's API; a card whose URL is the secret, or that targets the
      // merchant's own API (no fixed hosts), needs the URL, unless an OAuth connection gives it.
      const defaultHost =
        card?.connector.manifest.authentication === 'url' ? undefined : card?.region.hosts[0];
      const connection =
        card && body.connector?.connection
          ? await claimConnection(store, app.id, card.connector, body.connector.connection, body.url)
          : undefined;
      const endpointUrl =
        connection?.url ?? body.url ?? (defaultHost ? `https://${defaultHost}/` : undefined);
      if (!endpointUrl)
        throw invalidField(
          ['url'],
          `${card?.connector.manifest.name ?? 'this endpoint'} needs the URL to deliver to`,
        );
      let endpoint: Endpoint;
      try {
        endpoint = await store.endpoints.create(app.id, {
          ...input,
          eventTypes,
          url: endpointUrl,
          secret: body.secret ? normalizeSigningSecret(body.secret) : undefined,
          headers: body.headers,
          connector:
            card && body.connector
              ? {
                  id: card.connector.manifest.id,
                  template: card.template?.id ?? null,
                  region: card.region.id,
                  credentials: connection?.credentials ?? body.connector.credentials,
                }
              : undefined,
          transformation: card?.template ? { code: card.template.code, enabled: true } : undefined,
        });
      } catch (error) {
        await connection?.release();
        throw error;
      }
      await connection?.bind(endpoint.id);
      return c.json(out(endpoint), 201);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: `${BASE}/{endpoint_id}`,
      tags,
      summary: 'Get an endpoint',
      request: { params: endpointParam },
      responses: { 200: jsonResponse(endpointOutSchema, 'The endpoint'), ...errorResponses },
    }),
    async (c) => c.json(out((await requireEndpoint(c, store)).endpoint), 200),
  );

  router.openapi(
    createRoute({
      method: 'put',
      path: `${BASE}/{endpoint_id}`,
      tags,
      summary: 'Create or replace an endpoint',
      request: { params: endpointParam, ...jsonBody(endpointUpsertSchema) },
      responses: {
        200: jsonResponse(endpointOutSchema, 'Updated'),
        201: jsonResponse(endpointOutSchema, 'Created'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const app = await requireApp(c, store);
      const idOrUid = c.req.valid('param').endpoint_id;
      const body = c.req.valid('json');
      const input = toEndpointInput(body);
      await checkEventTypes(store, input.eventTypes);
      const existing = await store.endpoints.find(app.id, idOrUid);
      const replacement = {
        description: '',
        eventTypes: null,
        channels: null,
        throttleRate: null,
        disabled: false,
        metadata: {},
        ...input,
        url: body.url,
      };
      if (existing) return c.json(out(await store.endpoints.update(app.id, existing.id, replacement)), 200);
      if (idOrUid.startsWith('ep_')) throw notFound('Endpoint');
      const created = await store.endpoints.create(app.id, { ...replacement, uid: input.uid ?? idOrUid });
      return c.json(out(created), 201);
    },
  );

  router.openapi(
    createRoute({
      method: 'patch',
      path: `${BASE}/{endpoint_id}`,
      tags,
      summary: 'Change some fields of an endpoint',
      request: { params: endpointParam, ...jsonBody(endpointPatchSchema) },
      responses: { 200: jsonResponse(endpointOutSchema, 'Updated'), ...errorResponses },
    }),
    async (c) => {
      const { app, endpoint } = await requireEndpoint(c, store);
      const input = toEndpointInput(c.req.valid('json'));
      await checkEventTypes(store, input.eventTypes);
      return c.json(out(await store.endpoints.update(app.id, endpoint.id, input)), 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'delete',
      path: `${BASE}/{endpoint_id}`,
      tags,
      summary: 'Delete an endpoint',
      request: { params: endpointParam },
      responses: { 204: noContent, ...errorResponses },
    }),
    async (c) => {
      const { app, endpoint } = await requireEndpoint(c, store);
      await store.endpoints.delete(app.id, endpoint.id);
      return c.body(null, 204);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: `${BASE}/{endpoint_id}/secret`,
      tags,
      summary: "Get the endpoint's signing secret",
      request: { params: endpointParam },
      responses: {
        200: jsonResponse(z.object({ key: z.string() }).openapi('EndpointSecretOut'), 'The secret'),
        ...errorResponses,
      },
    }),
    async (c) =>
      c.json({ key: store.endpoints.revealSecret((await requireEndpoint(c, store)).endpoint) }, 200),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: `${BASE}/{endpoint_id}/secret/rotate`,
      tags,
      summary: 'Rotate the signing secret; the old one keeps signing for the grace period',
      request: {
        params: endpointParam,
        ...jsonBody(
          z
            .strictObject({
              key: secretSchema.nullish(),
              gracePeriodSeconds: z.number().int().min(0).max(604_800).optional(),
            })
            .openapi('EndpointSecretRotateIn'),
        ),
      },
      responses: { 204: noContent, ...errorResponses },
    }),
    async (c) => {
      const { app, endpoint } = await requireEndpoint(c, store);
      const body = c.req.valid('json');
      const key = body.key ? normalizeSigningSecret(body.key) : undefined;
      await store.endpoints.rotateSecret(app.id, endpoint, key, body.gracePeriodSeconds ?? 86_400);
      return c.body(null, 204);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: `${BASE}/{endpoint_id}/headers`,
      tags,
      summary: 'Get the custom headers (credential headers by name only)',
      request: { params: endpointParam },
      responses: {
        200: jsonResponse(
          z
            .object({ headers: z.record(z.string(), z.string()), sensitive: z.array(z.string()) })
            .openapi('EndpointHeadersOut'),
          'Headers',
        ),
        ...errorResponses,
      },
    }),
    async (c) =>
      c.json(toHeadersOut(store.endpoints.revealHeaders((await requireEndpoint(c, store)).endpoint)), 200),
  );

  router.openapi(
    createRoute({
      method: 'put',
      path: `${BASE}/{endpoint_id}/headers`,
      tags,
      summary: 'Replace the custom headers',
      request: {
        params: endpointParam,
        ...jsonBody(z.strictObject({ headers: headersSchema }).openapi('EndpointHeadersIn')),
      },
      responses: { 204: noContent, ...errorResponses },
    }),
    async (c) => {
      const { app, endpoint } = await requireEndpoint(c, store);
      await store.endpoints.setHeaders(app.id, endpoint.id, c.req.valid('json').headers);
      return c.body(null, 204);
    },
  );

  router.openapi(
    createRoute({
      method: 'patch',
      path: `${BASE}/{endpoint_id}/headers`,
      tags,
      summary: 'Add, change or delete some custom headers',
      request: {
        params: endpointParam,
        ...jsonBody(
          z
            .strictObject({
              headers: headersSchema,
              deleteHeaders: z.array(headerNameSchema).max(64).optional(),
            })
            .openapi('EndpointHeadersPatchIn'),
        ),
      },
      responses: { 204: noContent, ...errorResponses },
    }),
    async (c) => {
      const { app, endpoint } = await requireEndpoint(c, store);
      const body = c.req.valid('json');
      const merged = { ...store.endpoints.revealHeaders(endpoint), ...body.headers };
      for (const name of body.deleteHeaders ?? []) {
        for (const existing of Object.keys(merged))
          if (existing.toLowerCase() === name.toLowerCase()) delete merged[existing];
      }
      if (Object.keys(merged).length > 64)
        throw validationError([
          { loc: ['body', 'headers'], msg: 'at most 64 custom headers', type: 'value_error' },
        ]);
      await store.endpoints.setHeaders(app.id, endpoint.id, merged);
      return c.body(null, 204);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: `${BASE}/{endpoint_id}/stats`,
      tags,
      summary: 'Delivery counts by status',
      request: {
        params: endpointParam,
        query: z.object({ since: dateParam.optional(), until: dateParam.optional() }),
      },
      responses: {
        200: jsonResponse(
          z
            .object({
              success: z.number(),
              pending: z.number(),
              sending: z.number(),
              fail: z.number(),
              canceled: z.number(),
            })
            .openapi('EndpointStats'),
          'Counts',
        ),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { endpoint } = await requireEndpoint(c, store);
      const { since, until } = c.req.valid('query');
      return c.json(await store.deliveries.endpointStats(endpoint.id, since, until), 200);
    },
  );

  return router;
}
