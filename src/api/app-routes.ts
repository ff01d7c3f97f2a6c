import { createRoute, z } from '@hono/zod-openapi';
import { notFound } from './api-error.ts';
import { findVisibleApp, requireApp, requireOperator } from './auth.ts';
import {
  errorResponses,
  jsonBody,
  jsonResponse,
  listResponseSchema,
  metadataSchema,
  noContent,
  pageQuerySchema,
  throttleRateSchema,
  uidSchema,
} from './common-schemas.ts';
import type { ApiOptions } from './context.ts';
import { createRouter } from './router.ts';
import { applicationOutSchema, toApplicationOut } from './svix-models.ts';

export const applicationInSchema = z
  .strictObject({
    name: z.string().min(1).max(256),
    uid: uidSchema('app_').nullish(),
    throttleRate: throttleRateSchema.nullish(),
    /** svix 1.x name of throttleRate */
    rateLimit: throttleRateSchema.nullish(),
    metadata: metadataSchema.optional(),
  })
  .openapi('ApplicationIn');

const applicationPatchSchema = z
  .strictObject({
    name: z.string().min(1).max(256).optional(),
    uid: uidSchema('app_').nullish(),
    throttleRate: z.number().int().min(0).max(65535).nullish(),
    rateLimit: z.number().int().min(0).max(65535).nullish(),
    metadata: metadataSchema.optional(),
  })
  .openapi('ApplicationPatch');

type ApplicationIn = z.infer<typeof applicationInSchema>;

/** Maps the wire body to the store's input, resolving the 1.x alias. */
export function toAppInput(body: ApplicationIn) {
  return {
    name: body.name,
    uid: body.uid ?? null,
    throttleRate: body.throttleRate ?? body.rateLimit ?? null,
    metadata: body.metadata ?? {},
  };
}

const appIdParam = z.object({ app_id: z.string().min(1).max(256) });
const tags = ['Application'];

export function appRoutes({ store }: ApiOptions) {
  const router = createRouter();

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/app',
      tags,
      summary: 'List applications',
      request: { query: pageQuerySchema },
      responses: {
        200: jsonResponse(
          listResponseSchema(applicationOutSchema, 'ListResponse_ApplicationOut_'),
          'Applications',
        ),
        ...errorResponses,
      },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const principal = c.get('principal');
      const page = await store.apps.list(query, principal.kind === 'app' ? principal.appId : undefined);
      return c.json({ ...page, data: page.data.map(toApplicationOut) }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/app',
      tags,
      summary: 'Create an application',
      request: {
        query: z.object({ get_if_exists: z.enum(['true', 'false']).optional() }),
        ...jsonBody(applicationInSchema),
      },
      responses: {
        201: jsonResponse(applicationOutSchema, 'Created'),
        200: jsonResponse(applicationOutSchema, 'Already existed (get_if_exists)'),
        ...errorResponses,
      },
    }),
    async (c) => {
      requireOperator(c);
      const body = c.req.valid('json');
      if (c.req.valid('query').get_if_exists === 'true' && body.uid) {
        const existing = await store.apps.find(body.uid);
        if (existing) return c.json(toApplicationOut(existing), 200);
      }
      return c.json(toApplicationOut(await store.apps.create(toAppInput(body))), 201);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/app/{app_id}',
      tags,
      summary: 'Get an application',
      request: { params: appIdParam },
      responses: { 200: jsonResponse(applicationOutSchema, 'The application'), ...errorResponses },
    }),
    async (c) => c.json(toApplicationOut(await requireApp(c, store)), 200),
  );

  router.openapi(
    createRoute({
      method: 'put',
      path: '/api/v1/app/{app_id}',
      tags,
      summary: 'Create or replace an application',
      request: { params: appIdParam, ...jsonBody(applicationInSchema) },
      responses: {
        200: jsonResponse(applicationOutSchema, 'Updated'),
        201: jsonResponse(applicationOutSchema, 'Created'),
        ...errorResponses,
      },
    }),
    async (c) => {
      requireOperator(c);
      const body = c.req.valid('json');
      const idOrUid = c.req.valid('param').app_id;
      const existing = await findVisibleApp(c, store, idOrUid);
      if (existing)
        return c.json(toApplicationOut(await store.apps.update(existing.id, toAppInput(body))), 200);
      if (idOrUid.startsWith('app_')) throw notFound('Application');
      const created = await store.apps.create({ ...toAppInput(body), uid: body.uid ?? idOrUid });
      return c.json(toApplicationOut(created), 201);
    },
  );

  router.openapi(
    createRoute({
      method: 'patch',
      path: '/api/v1/app/{app_id}',
      tags,
      summary: 'Change some fields of an application',
      request: { params: appIdParam, ...jsonBody(applicationPatchSchema) },
      responses: { 200: jsonResponse(applicationOutSchema, 'Updated'), ...errorResponses },
    }),
    async (c) => {
      requireOperator(c);
      const app = await requireApp(c, store);
      const { rateLimit, throttleRate, ...rest } = c.req.valid('json');
      const rate = throttleRate !== undefined ? throttleRate : rateLimit;
      const patch = { ...rest, ...(rate !== undefined ? { throttleRate: rate || null } : {}) };
      return c.json(toApplicationOut(await store.apps.update(app.id, patch)), 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'delete',
      path: '/api/v1/app/{app_id}',
      tags,
      summary: 'Delete an application and its endpoints',
      request: { params: appIdParam },
      responses: { 204: noContent, ...errorResponses },
    }),
    async (c) => {
      requireOperator(c);
      await store.apps.delete((await requireApp(c, store)).id);
      return c.body(null, 204);
    },
  );

  return router;
}
