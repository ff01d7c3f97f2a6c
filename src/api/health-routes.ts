import { createRoute } from '@hono/zod-openapi';
import { createRouter } from './router.ts';

/** Liveness: the server answers once migrations ran and the catalog is loaded, since it listens only then. */
export function healthRoutes() {
  const router = createRouter();
  for (const path of ['/api/v1/health', '/api/v1/health/ping']) {
    router.openapi(
      createRoute({
        method: 'get',
        path,
        tags: ['Health'],
        summary: 'Health check (no authentication)',
        responses: { 204: { description: 'Healthy' } },
      }),
      (c) => c.body(null, 204),
    );
  }
  return router;
}
