import { createRoute, z } from '@hono/zod-openapi';
import { createActivityRepository } from '../db/activity.ts';
import { invalidField, notFound } from './api-error.ts';
import { requireApp } from './auth.ts';
import { dateParam, errorResponses, jsonResponse } from './common-schemas.ts';
import type { ApiOptions } from './context.ts';
import { createRouter } from './router.ts';

const BUCKET_SECONDS = { '5m': 300, '1h': 3600, '1d': 86_400 } as const;
/** Enough for a week of 5-minute buckets; a longer window takes larger buckets. */
const MAX_BUCKETS = 2016;
const DAY_MS = 86_400_000;

const countsSchema = { success: z.number().int(), fail: z.number().int() };

const activityOutSchema = z
  .object({
    bucket: z.enum(['5m', '1h', '1d']),
    since: z.string().openapi({ format: 'date-time' }),
    until: z.string().openapi({ format: 'date-time' }),
    data: z
      .array(z.object({ start: z.string().openapi({ format: 'date-time' }), ...countsSchema }))
      .openapi({ description: 'Every bucket of the window, oldest first, empty ones included' }),
    endpoints: z
      .array(z.object({ endpointId: z.string(), ...countsSchema }))
      .openapi({ description: 'Totals over the window per endpoint that had attempts' }),
  })
  .openapi('ActivityOut');

export function activityRoutes({ store }: ApiOptions) {
  const router = createRouter();
  // Read by this route alone, so it is built here over the store's database rather than kept in the store.
  const activity = createActivityRepository(store.handle.db);

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/app/{app_id}/activity',
      tags: ['Statistics'],
      summary:
        'Attempts that succeeded and failed over time, in 5-minute, hourly or daily buckets (Switchyard extension)',
      request: {
        params: z.object({ app_id: z.string().min(1).max(256) }),
        query: z.object({
          since: dateParam.optional().openapi({ description: 'Default: 24 hours before until' }),
          until: dateParam.optional().openapi({ description: 'Default: now' }),
          bucket: z.enum(['5m', '1h', '1d']).default('1h'),
          endpoint_id: z.string().min(1).max(256).optional(),
        }),
      },
      responses: { 200: jsonResponse(activityOutSchema, 'Activity'), ...errorResponses },
    }),
    async (c) => {
      const app = await requireApp(c, store);
      const query = c.req.valid('query');
      const seconds = BUCKET_SECONDS[query.bucket];
      const until = query.until ?? new Date();
      const since = query.since ?? new Date(until.getTime() - DAY_MS);
      if (since >= until) throw invalidField(['since'], 'must be before until');
      const first = Math.floor(since.getTime() / 1000 / seconds) * seconds;
      const buckets = Math.ceil((until.getTime() / 1000 - first) / seconds);
      if (buckets > MAX_BUCKETS) {
        throw invalidField(
          ['bucket'],
          `${buckets} buckets of ${query.bucket} is too many; take a larger bucket`,
        );
      }
      let endpointId: string | undefined;
      if (query.endpoint_id) {
        const endpoint = await store.endpoints.find(app.id, query.endpoint_id);
        if (!endpoint) throw notFound('Endpoint');
        endpointId = endpoint.id;
      }
      const rows = await activity.attemptsOverTime(app.id, {
        since,
        until,
        bucketSeconds: seconds,
        endpointId,
      });
      const data = Array.from({ length: buckets }, (_, i) => ({
        start: new Date((first + i * seconds) * 1000).toISOString(),
        success: 0,
        fail: 0,
      }));
      const byEndpoint = new Map<string, { endpointId: string; success: number; fail: number }>();
      for (const row of rows) {
        const slot = data[Math.round((row.start.getTime() / 1000 - first) / seconds)];
        if (slot) {
          slot.success += row.success;
          slot.fail += row.fail;
        }
        const total = byEndpoint.get(row.endpointId) ?? { endpointId: row.endpointId, success: 0, fail: 0 };
        total.success += row.success;
        total.fail += row.fail;
        byEndpoint.set(row.endpointId, total);
      }
      return c.json(
        {
          bucket: query.bucket,
          since: since.toISOString(),
          until: until.toISOString(),
          data,
          endpoints: [...byEndpoint.values()],
        },
        200,
      );
    },
  );

  return router;
}
