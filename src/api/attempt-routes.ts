import { createRoute, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AttemptFilters, DeliveryStatusCode } from '../db/index.ts';
import { notFound } from './api-error.ts';
import { requireApp } from './auth.ts';
import {
  booleanQueryParam,
  dateParam,
  errorResponses,
  jsonResponse,
  listParamSchema,
  listResponseSchema,
  noContent,
  pageQuerySchema,
} from './common-schemas.ts';
import type { ApiEnv, ApiOptions } from './context.ts';
import { createRouter } from './router.ts';
import {
  endpointMessageOutSchema,
  messageAttemptOutSchema,
  messageEndpointOutSchema,
  toEndpointMessageOut,
  toMessageAttemptOut,
  toMessageEndpointOut,
} from './svix-models.ts';

const filterQuery = pageQuerySchema.omit({ order: true }).extend({
  status: z.coerce.number().int().min(0).max(4).optional(),
  status_code_class: z.coerce
    .number()
    .int()
    .refine((n) => [0, 100, 200, 300, 400, 500].includes(n), 'must be 0, 100, 200, 300, 400 or 500')
    .optional(),
  channel: z.string().max(128).optional(),
  tag: z.string().max(128).optional(),
  before: dateParam.optional(),
  after: dateParam.optional(),
  with_content: booleanQueryParam.optional(),
  with_msg: booleanQueryParam.optional(),
  expanded_statuses: booleanQueryParam.optional(),
  event_types: listParamSchema.optional(),
  endpoint_id: z.string().max(256).optional(),
});

type FilterQuery = z.infer<typeof filterQuery>;

function toFilters(query: FilterQuery): AttemptFilters {
  return {
    limit: query.limit,
    iterator: query.iterator,
    order: 'descending',
    status: query.status as DeliveryStatusCode | undefined,
    statusCodeClass: query.status_code_class,
    channel: query.channel,
    tag: query.tag,
    before: query.before,
    after: query.after,
    eventTypes: query.event_types,
  };
}

const appParam = z.object({ app_id: z.string().min(1).max(256) });
const tags = ['Message Attempt'];
const attemptList = listResponseSchema(messageAttemptOutSchema, 'ListResponse_MessageAttemptOut_');

export function attemptRoutes({ store }: ApiOptions) {
  const router = createRouter();

  async function requireEndpointId(appId: string, idOrUid: string) {
    const endpoint = await store.endpoints.find(appId, idOrUid);
    if (!endpoint) throw notFound('Endpoint');
    return endpoint;
  }

  async function requireMessage(c: Context<ApiEnv>, appId: string) {
    const message = await store.messages.find(appId, c.req.param('msg_id') ?? '');
    if (!message) throw notFound('Message');
    return message;
  }

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/app/{app_id}/attempt/endpoint/{endpoint_id}',
      tags,
      summary: 'List attempts to an endpoint, newest first',
      request: { params: appParam.extend({ endpoint_id: z.string() }), query: filterQuery },
      responses: { 200: jsonResponse(attemptList, 'Attempts'), ...errorResponses },
    }),
    async (c) => {
      const app = await requireApp(c, store);
      const endpoint = await requireEndpointId(app.id, c.req.valid('param').endpoint_id);
      const query = c.req.valid('query');
      const page = await store.deliveries.listAttemptsByEndpoint(app.id, endpoint.id, toFilters(query));
      const options = { expanded: query.expanded_statuses ?? false, withContent: query.with_content ?? true };
      const data = page.data.map(({ attempt, message }) =>
        toMessageAttemptOut(attempt, { ...options, message: query.with_msg ? message : undefined }),
      );
      return c.json({ ...page, data }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/app/{app_id}/attempt/msg/{msg_id}',
      tags,
      summary: 'List attempts of a message, newest first',
      request: { params: appParam.extend({ msg_id: z.string() }), query: filterQuery },
      responses: { 200: jsonResponse(attemptList, 'Attempts'), ...errorResponses },
    }),
    async (c) => {
      const app = await requireApp(c, store);
      const message = await requireMessage(c, app.id);
      const query = c.req.valid('query');
      const endpointId = query.endpoint_id
        ? (await requireEndpointId(app.id, query.endpoint_id)).id
        : undefined;
      const page = await store.deliveries.listAttemptsByMessage(app.id, message.id, {
        ...toFilters(query),
        endpointId,
      });
      const options = { expanded: query.expanded_statuses ?? false, withContent: query.with_content ?? true };
      return c.json(
        { ...page, data: page.data.map(({ attempt }) => toMessageAttemptOut(attempt, options)) },
        200,
      );
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/app/{app_id}/endpoint/{endpoint_id}/msg',
      tags,
      summary: 'List messages sent to an endpoint, with their delivery status',
      request: { params: appParam.extend({ endpoint_id: z.string() }), query: filterQuery },
      responses: {
        200: jsonResponse(
          listResponseSchema(endpointMessageOutSchema, 'ListResponse_EndpointMessageOut_'),
          'Messages',
        ),
        ...errorResponses,
      },
    }),
    async (c) => {
      const app = await requireApp(c, store);
      const endpoint = await requireEndpointId(app.id, c.req.valid('param').endpoint_id);
      const query = c.req.valid('query');
      const page = await store.deliveries.listEndpointMessages(app.id, endpoint.id, toFilters(query));
      const options = { expanded: query.expanded_statuses ?? false, withContent: query.with_content ?? true };
      const data = page.data.map(({ delivery, message }) => toEndpointMessageOut(delivery, message, options));
      return c.json({ ...page, data }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/app/{app_id}/msg/{msg_id}/endpoint',
      tags,
      summary: 'List the endpoints a message went to, with their delivery status',
      request: {
        params: appParam.extend({ msg_id: z.string() }),
        query: pageQuerySchema.omit({ order: true }),
      },
      responses: {
        200: jsonResponse(
          listResponseSchema(messageEndpointOutSchema, 'ListResponse_MessageEndpointOut_'),
          'Endpoints',
        ),
        ...errorResponses,
      },
    }),
    async (c) => {
      const app = await requireApp(c, store);
      const message = await requireMessage(c, app.id);
      const page = await store.deliveries.listMessageDestinations(app.id, message.id, c.req.valid('query'));
      return c.json(
        {
          ...page,
          data: page.data.map(({ delivery, endpoint }) => toMessageEndpointOut(delivery, endpoint)),
        },
        200,
      );
    },
  );

  const attemptParams = appParam.extend({
    msg_id: z.string(),
    attempt_id: z.string().regex(/^atmpt_/, 'must be an atmpt_ id'),
  });

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/app/{app_id}/msg/{msg_id}/attempt/{attempt_id}',
      tags,
      summary: 'Get one attempt',
      request: {
        params: attemptParams,
        query: z.object({ expanded_statuses: booleanQueryParam.optional() }),
      },
      responses: { 200: jsonResponse(messageAttemptOutSchema, 'The attempt'), ...errorResponses },
    }),
    async (c) => {
      const app = await requireApp(c, store);
      const message = await requireMessage(c, app.id);
      const attempt = await store.deliveries.findAttempt(app.id, message.id, c.req.valid('param').attempt_id);
      if (!attempt) throw notFound('Attempt');
      const expanded = c.req.valid('query').expanded_statuses ?? false;
      return c.json(toMessageAttemptOut(attempt, { expanded, withContent: true }), 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/app/{app_id}/msg/{msg_id}/attempt/{attempt_id}/content',
      tags,
      summary: "Delete an attempt's stored response body",
      request: { params: attemptParams },
      responses: { 204: noContent, ...errorResponses },
    }),
    async (c) => {
      const app = await requireApp(c, store);
      const message = await requireMessage(c, app.id);
      const attemptId = c.req.valid('param').attempt_id;
      if (!(await store.deliveries.findAttempt(app.id, message.id, attemptId))) throw notFound('Attempt');
      await store.deliveries.expungeAttemptContent(app.id, message.id, attemptId);
      return c.body(null, 204);
    },
  );

  return router;
}
