import { createRoute, z } from '@hono/zod-openapi';
import { forbidden, notFound } from './api-error.ts';
import { applicationInSchema, toAppInput } from './app-routes.ts';
import { type Authenticator, findVisibleApp, requireApp, requireOperator } from './auth.ts';
import { errorResponses, jsonBody, jsonResponse, noContent } from './common-schemas.ts';
import type { ApiOptions } from './context.ts';
import { createRouter } from './router.ts';

const CAPABILITIES = [
  'ViewBase',
  'ViewEndpointSecret',
  'ManageEndpointSecret',
  'ManageTransformations',
  'CreateAttempts',
  'ManageEndpoint',
] as const;

const appPortalAccessInSchema = z
  .strictObject({
    application: applicationInSchema.nullish(),
    capabilities: z.array(z.enum(CAPABILITIES)).nullish(),
    featureFlags: z.array(z.string().min(1).max(256)).min(1).max(25).nullish(),
    expiry: z.number().int().min(3600).max(604_800).nullish(),
    sessionId: z
      .string()
      .max(64)
      .regex(/^[a-zA-Z0-9@_-]+$/)
      .nullish(),
    readOnly: z.boolean().nullish(),
  })
  .openapi('AppPortalAccessIn');

const appPortalAccessOutSchema = z
  .object({ url: z.string().openapi({ format: 'uri' }), token: z.string() })
  .openapi('AppPortalAccessOut');

const appParam = z.object({ app_id: z.string().min(1).max(256) });
const tags = ['Authentication'];
const DEFAULT_PORTAL_EXPIRY_SECONDS = 7 * 86_400;

export function authRoutes({ store, publicUrl }: ApiOptions, authenticator: Authenticator) {
  const router = createRouter();

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/auth/app-portal-access/{app_id}',
      tags,
      summary: 'Issue a token (and dashboard link) that sees and changes one application only',
      request: { params: appParam, ...jsonBody(appPortalAccessInSchema) },
      responses: { 200: jsonResponse(appPortalAccessOutSchema, 'Token and link'), ...errorResponses },
    }),
    async (c) => {
      requireOperator(c);
      const body = c.req.valid('json');
      const idOrUid = c.req.valid('param').app_id;
      let app = await findVisibleApp(c, store, idOrUid);
      if (!app && body.application) {
        app = await store.apps.create({
          ...toAppInput(body.application),
          uid: body.application.uid ?? idOrUid,
        });
      }
      if (!app) throw notFound('Application');
      const { token } = await store.tokens.issueAppToken(app.id, {
        expiresInSeconds: body.expiry ?? DEFAULT_PORTAL_EXPIRY_SECONDS,
        sessionId: body.sessionId ?? undefined,
      });
      const url = new URL('/app-portal', publicUrl);
      url.hash = `token=${token}`;
      return c.json({ url: url.toString(), token }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/auth/app/{app_id}/expire-all',
      tags,
      summary: "Expire an application's portal tokens",
      request: {
        params: appParam,
        ...jsonBody(
          z
            .strictObject({
              expiry: z.number().int().min(0).max(259_200).nullish(),
              sessionIds: z.array(z.string().max(64)).max(1000).nullish(),
            })
            .openapi('ApplicationTokenExpireIn'),
        ),
      },
      responses: { 204: noContent, ...errorResponses },
    }),
    async (c) => {
      requireOperator(c);
      const app = await requireApp(c, store);
      const body = c.req.valid('json');
      await store.tokens.expireAppTokens(app.id, body.expiry ?? 0, body.sessionIds ?? undefined);
      authenticator.forgetTokens();
      return c.body(null, 204);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/auth/logout',
      tags,
      summary: 'Revoke the app-portal token this request carries',
      responses: { 204: noContent, ...errorResponses },
    }),
    async (c) => {
      const principal = c.get('principal');
      if (principal.kind !== 'app') throw forbidden('Only an app-portal token can log out');
      await store.tokens.revoke(principal.token);
      authenticator.forgetTokens();
      return c.body(null, 204);
    },
  );

  return router;
}
