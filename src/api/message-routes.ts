import { createRoute, z } from '@hono/zod-openapi';
import type { App } from '../db/index.ts';
import { forbidden, notFound } from './api-error.ts';
import { applicationInSchema, toAppInput } from './app-routes.ts';
import { findVisibleApp, requireApp } from './auth.ts';
import {
  booleanQueryParam,
  channelsSchema,
  dateParam,
  errorResponses,
  eventTypeNameSchema,
  jsonBody,
  jsonResponse,
  listParamSchema,
  listResponseSchema,
  noContent,
  pageQuerySchema,
  uidSchema,
} from './common-schemas.ts';
import type { ApiOptions } from './context.ts';
import { createRouter } from './router.ts';
import { messageOutSchema, toMessageOut } from './svix-models.ts';

const messageInSchema = z
  .strictObject({
    eventType: eventTypeNameSchema,
    payload: z.record(z.string(), z.unknown()).openapi({ description: 'The event envelope, a JSON object' }),
    eventId: uidSchema('msg_').nullish(),
    channels: channelsSchema.nullish(),
    tags: z.array(z.string().min(1).max(128)).max(5).nullish(),
    application: applicationInSchema.nullish(),
    transformationsParams: z.record(z.string(), z.unknown()).nullish(),
    payloadRetentionPeriod: z.number().int().min(1).max(90).nullish(),
    payloadRetentionHours: z.number().int().min(1).max(2160).nullish(),
  })
  .refine((m) => m.payloadRetentionPeriod == null || m.payloadRetentionHours == null, {
    message: 'give payloadRetentionPeriod or payloadRetentionHours, not both',
    path: ['payloadRetentionHours'],
  })
  .openapi('MessageIn');

const appParam = z.object({ app_id: z.string().min(1).max(256) });
const messageParam = appParam.extend({ msg_id: z.string().min(1).max(256) });
const withContent = z.object({ with_content: booleanQueryParam.optional() });
const tags = ['Message'];

export function messageRoutes({ store, metrics, payloadRetentionDays = 90 }: ApiOptions) {
  const router = createRouter();

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/app/{app_id}/msg',
      tags,
      summary: 'Send a message: store it and fan it out to every matching endpoint',
      request: { params: appParam, query: withContent, ...jsonBody(messageInSchema) },
      responses: {
        202: jsonResponse(messageOutSchema, 'Accepted; deliveries are queued'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const idOrUid = c.req.valid('param').app_id;
      let app: App | undefined = await findVisibleApp(c, store, idOrUid);
      if (!app && body.application) {
        if (c.get('principal').kind !== 'operator') throw forbidden();
        app = await store.apps.create({
          ...toAppInput(body.application),
          uid: body.application.uid ?? idOrUid,
        });
      }
      if (!app) throw notFound('Application');
      const retentionHours =
        body.payloadRetentionHours ?? (body.payloadRetentionPeriod ?? payloadRetentionDays) * 24;
      const include = c.req.valid('query').with_content ?? true;
      const keyHash = c.get('idempotencyKeyHash');
      const { message, deliveries } = await store.messages.create(
        app.id,
        {
          eventType: body.eventType,
          payload: body.payload,
          eventId: body.eventId,
          channels: body.channels,
          tags: body.tags,
          retentionHours,
          requestId: c.get('requestId'),
        },
        keyHash ? { keyHash, status: 202, body: (m) => toMessageOut(m, include) } : undefined,
      );
      if (keyHash) c.set('idempotencyCompleted', true);
      metrics?.messageIngested(deliveries);
      return c.json(toMessageOut(message, include), 202);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/app/{app_id}/msg',
      tags,
      summary: 'List messages, newest first',
      request: {
        params: appParam,
        query: pageQuerySchema.omit({ order: true }).extend({
          event_types: listParamSchema.optional(),
          channel: z.string().max(128).optional(),
          tag: z.string().max(128).optional(),
          before: dateParam.optional(),
          after: dateParam.optional(),
          with_content: booleanQueryParam.optional(),
        }),
      },
      responses: {
        200: jsonResponse(listResponseSchema(messageOutSchema, 'ListResponse_MessageOut_'), 'Messages'),
        ...errorResponses,
      },
    }),
    async (c) => {
      const app = await requireApp(c, store);
      const query = c.req.valid('query');
      const page = await store.messages.list(app.id, {
        ...query,
        order: 'descending',
        eventTypes: query.event_types,
        // Without a window, Svix lists the last 90 days.
        after: query.after ?? (query.before ? undefined : new Date(Date.now() - 90 * 86_400_000)),
      });
      const include = query.with_content ?? true;
      return c.json({ ...page, data: page.data.map((m) => toMessageOut(m, include)) }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/app/{app_id}/msg/{msg_id}',
      tags,
      summary: 'Get a message by id or eventId',
      request: { params: messageParam, query: withContent },
      responses: { 200: jsonResponse(messageOutSchema, 'The message'), ...errorResponses },
    }),
    async (c) => {
      const app = await requireApp(c, store);
      const message = await store.messages.find(app.id, c.req.valid('param').msg_id);
      if (!message) throw notFound('Message');
      return c.json(toMessageOut(message, c.req.valid('query').with_content ?? true), 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/app/{app_id}/msg/{msg_id}/content',
      tags,
      summary: "Delete a message's payload for good",
      request: { params: messageParam },
      responses: { 204: noContent, ...errorResponses },
    }),
    async (c) => {
      const app = await requireApp(c, store);
      const message = await store.messages.find(app.id, c.req.valid('param').msg_id);
      if (!message) throw notFound('Message');
      await store.messages.expungeContent(app.id, message.id);
      return c.body(null, 204);
    },
  );

  return router;
}
