import { createRoute, z } from '@hono/zod-openapi';
import { Ajv } from 'ajv';
import { invalidField, notFound } from './api-error.ts';
import { requireOperator } from './auth.ts';
import {
  booleanQueryParam,
  errorResponses,
  eventTypeNameSchema,
  jsonBody,
  jsonResponse,
  listResponseSchema,
  noContent,
  pageQuerySchema,
} from './common-schemas.ts';
import type { ApiOptions } from './context.ts';
import { createRouter } from './router.ts';
import { eventTypeOutSchema, toEventTypeOut } from './svix-models.ts';

const featureFlagsSchema = z
  .array(z.string().min(1).max(256))
  .min(1)
  .refine((a) => new Set(a).size === a.length, 'feature flags must be unique');

const schemasSchema = z
  .record(z.string(), z.record(z.string(), z.unknown()))
  .openapi({ description: 'JSON Schemas by version, e.g. {"1": {...}}' });

const eventTypeFields = {
  description: z.string().max(10_000),
  archived: z.boolean().optional(),
  deprecated: z.boolean().optional(),
  schemas: schemasSchema.nullish(),
  groupName: z.string().max(256).nullish(),
  featureFlags: featureFlagsSchema.nullish(),
};

const eventTypeInSchema = z
  .strictObject({ name: eventTypeNameSchema, ...eventTypeFields })
  .openapi('EventTypeIn');
const eventTypeUpsertSchema = z.strictObject(eventTypeFields).openapi('EventTypeUpsertIn');
const eventTypePatchSchema = z
  .strictObject({ ...eventTypeFields, description: eventTypeFields.description.optional() })
  .openapi('EventTypePatch');

const nameParam = z.object({ event_type_name: eventTypeNameSchema });
const tags = ['Event Type'];

/** Schemas must compile, so that the dashboard and later validation can rely on them. */
const ajv = new Ajv({ strict: false, validateSchema: true });
function checkSchemas(schemas: Record<string, Record<string, unknown>> | null | undefined) {
  for (const [version, schema] of Object.entries(schemas ?? {})) {
    try {
      ajv.compile(schema);
    } catch (error) {
      throw invalidField(['schemas', version], `is not a valid JSON Schema: ${(error as Error).message}`);
    }
  }
}

export function eventTypeRoutes({ store }: ApiOptions) {
  const router = createRouter();

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/event-type',
      tags,
      summary: 'List event types',
      request: {
        query: pageQuerySchema.extend({
          include_archived: booleanQueryParam.optional(),
          with_content: booleanQueryParam.optional(),
        }),
      },
      responses: {
        200: jsonResponse(
          listResponseSchema(eventTypeOutSchema, 'ListResponse_EventTypeOut_'),
          'Event types',
        ),
        ...errorResponses,
      },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const page = await store.eventTypes.list({ ...query, includeArchived: query.include_archived });
      const withContent = query.with_content ?? false;
      return c.json({ ...page, data: page.data.map((e) => toEventTypeOut(e, withContent)) }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/event-type',
      tags,
      summary: 'Create an event type',
      request: jsonBody(eventTypeInSchema),
      responses: { 201: jsonResponse(eventTypeOutSchema, 'Created'), ...errorResponses },
    }),
    async (c) => {
      requireOperator(c);
      const body = c.req.valid('json');
      checkSchemas(body.schemas);
      return c.json(toEventTypeOut(await store.eventTypes.create(body)), 201);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/event-type/{event_type_name}',
      tags,
      summary: 'Get an event type with its schemas',
      request: { params: nameParam },
      responses: { 200: jsonResponse(eventTypeOutSchema, 'The event type'), ...errorResponses },
    }),
    async (c) => {
      const eventType = await store.eventTypes.find(c.req.valid('param').event_type_name);
      if (!eventType) throw notFound('Event type');
      return c.json(toEventTypeOut(eventType), 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'put',
      path: '/api/v1/event-type/{event_type_name}',
      tags,
      summary: 'Create or replace an event type',
      request: { params: nameParam, ...jsonBody(eventTypeUpsertSchema) },
      responses: {
        200: jsonResponse(eventTypeOutSchema, 'Updated'),
        201: jsonResponse(eventTypeOutSchema, 'Created'),
        ...errorResponses,
      },
    }),
    async (c) => {
      requireOperator(c);
      const body = c.req.valid('json');
      checkSchemas(body.schemas);
      const { eventType, created } = await store.eventTypes.upsert({
        ...body,
        name: c.req.valid('param').event_type_name,
      });
      return c.json(toEventTypeOut(eventType), created ? 201 : 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'patch',
      path: '/api/v1/event-type/{event_type_name}',
      tags,
      summary: 'Change some fields of an event type',
      request: { params: nameParam, ...jsonBody(eventTypePatchSchema) },
      responses: { 200: jsonResponse(eventTypeOutSchema, 'Updated'), ...errorResponses },
    }),
    async (c) => {
      requireOperator(c);
      const body = c.req.valid('json');
      checkSchemas(body.schemas);
      return c.json(
        toEventTypeOut(await store.eventTypes.update(c.req.valid('param').event_type_name, body)),
        200,
      );
    },
  );

  router.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/event-type/{event_type_name}',
      tags,
      summary: 'Archive an event type (or remove it with expunge=true)',
      request: { params: nameParam, query: z.object({ expunge: booleanQueryParam.optional() }) },
      responses: { 204: noContent, ...errorResponses },
    }),
    async (c) => {
      requireOperator(c);
      const found = await store.eventTypes.delete(
        c.req.valid('param').event_type_name,
        c.req.valid('query').expunge ?? false,
      );
      if (!found) throw notFound('Event type');
      return c.body(null, 204);
    },
  );

  return router;
}
