import { createRoute, z } from '@hono/zod-openapi';
import { jsonResponse, problemSchema } from './common-schemas.ts';
import type { ApiOptions } from './context.ts';
import { problemBody } from './problem.ts';
import { createRouter } from './router.ts';

/** A worker that has not reported for this long (three heartbeats) is presumed gone. */
const WORKER_LIVE_WITHIN_MS = 15_000;
/** A readiness probe must answer quickly even when the database does not. */
const DATABASE_TIMEOUT_MS = 2_000;

const checkSchema = z.object({ ok: z.boolean(), detail: z.string() });
const readinessSchema = z
  .object({
    status: z.enum(['ready', 'not_ready']),
    checks: z.object({ database: checkSchema, migrations: checkSchema, workers: checkSchema }),
  })
  .openapi('Readiness');

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return Promise.race([
    promise,
    new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref(),
    ),
  ]);
}

/**
 * Liveness (the server answers once migrations ran and the catalog is loaded, since it listens only then)
 * and readiness (the database answers, carries this build's migrations, and some process delivers).
 */
export function healthRoutes(options: Pick<ApiOptions, 'store'>) {
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

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/ready',
      tags: ['Health'],
      summary: 'Readiness check (no authentication)',
      description:
        'Ready when the database answers, has every migration of this build applied, and at least one delivery worker (in any process) reported within the last 15 seconds. A load balancer sends traffic only to ready instances.',
      responses: {
        200: jsonResponse(readinessSchema, 'Ready'),
        503: {
          description: 'Not ready: the problem names the failing checks',
          content: {
            'application/problem+json': {
              schema: problemSchema.extend({ checks: readinessSchema.shape.checks }),
            },
          },
        },
      },
    }),
    async (c) => {
      let checks: z.infer<typeof readinessSchema>['checks'];
      try {
        const state = await withTimeout(
          options.store.readiness.check(WORKER_LIVE_WITHIN_MS),
          DATABASE_TIMEOUT_MS,
        );
        checks = {
          database: { ok: true, detail: 'answers' },
          migrations: {
            ok: state.migrationsApplied >= state.migrationsKnown,
            detail: `${state.migrationsApplied} of ${state.migrationsKnown} applied`,
          },
          workers: {
            ok: state.liveWorkers > 0,
            detail: `${state.liveWorkers} delivery worker process${state.liveWorkers === 1 ? '' : 'es'} live`,
          },
        };
      } catch (error) {
        const unknown = { ok: false, detail: 'unknown: the database did not answer' };
        checks = {
          database: { ok: false, detail: error instanceof Error ? error.message : String(error) },
          migrations: unknown,
          workers: unknown,
        };
      }
      const failing = Object.entries(checks).filter(([, check]) => !check.ok);
      if (failing.length === 0) return c.json({ status: 'ready' as const, checks }, 200);
      const detail = failing.map(([name, check]) => `${name}: ${check.detail}`).join('; ');
      return c.json({ ...problemBody(503, 'not_ready', detail), checks }, 503, {
        'content-type': 'application/problem+json',
      });
    },
  );
  return router;
}
