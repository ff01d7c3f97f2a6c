import { createRoute, z } from '@hono/zod-openapi';
import { findEventType } from '../catalog/index.ts';
import type { BackgroundTask, BackgroundTaskKind } from '../db/index.ts';
import { idTime } from '../secrets/index.ts';
import { invalidField, notFound } from './api-error.ts';
import { requireEndpoint } from './auth.ts';
import {
  errorResponses,
  isoTime,
  jsonBody,
  jsonResponse,
  listResponseSchema,
  pageQuerySchema,
} from './common-schemas.ts';
import type { ApiOptions } from './context.ts';
import { createRouter } from './router.ts';
import { messageOutSchema, toMessageOut } from './svix-models.ts';

const backgroundTaskOutSchema = z
  .object({
    id: z.string().openapi({ example: 'qtask_2nX4fKpG6cT0s1kU3aZbQ9vYw7R' }),
    status: z.enum(['running', 'finished', 'failed']),
    task: z.enum(['endpoint.recover', 'endpoint.replay', 'endpoint.bulk-replay']),
    data: z.object({
      appId: z.string(),
      endpointId: z.string(),
      since: z.string(),
      until: z.string(),
      processed: z.number().int().openapi({ description: 'Deliveries queued so far' }),
      progress: z.number().min(0).max(1).openapi({
        description: 'Share of the window scanned so far, from 0 to 1 (1 once finished)',
      }),
      error: z.string().nullable(),
    }),
    updatedAt: z.string(),
  })
  .openapi('BackgroundTaskOut');

/** How far through its window a task is: message ids carry their creation time, and the cursor is one. */
function progressOf(task: BackgroundTask): number {
  if (task.status === 'finished') return 1;
  if (!task.cursor) return 0;
  const span = task.until.getTime() - task.since.getTime();
  return Math.min(1, Math.max(0, (idTime(task.cursor).getTime() - task.since.getTime()) / span));
}

function toBackgroundTaskOut(task: BackgroundTask): z.infer<typeof backgroundTaskOutSchema> {
  return {
    id: task.id,
    status: task.status,
    task: task.kind,
    data: {
      appId: task.appId,
      endpointId: task.endpointId,
      since: task.since.toISOString(),
      until: task.until.toISOString(),
      processed: task.processed,
      progress: progressOf(task),
      error: task.error,
    },
    updatedAt: task.updatedAt.toISOString(),
  };
}

const windowSchema = z
  .strictObject({
    since: isoTime.openapi({ description: 'Messages created at or after this time' }),
    until: isoTime.nullish().openapi({ description: 'and before this time (default: now)' }),
  })
  .openapi('ReplayWindowIn');

const endpointParams = z.object({
  app_id: z.string().min(1).max(256),
  endpoint_id: z.string().min(1).max(256),
});
const tags = ['Replay'];

const TASK_ROUTES: { path: string; kind: BackgroundTaskKind; summary: string }[] = [
  {
    path: 'recover',
    kind: 'endpoint.recover',
    summary: 'Send again every failed message since a time (Recover)',
  },
  {
    path: 'replay-missing',
    kind: 'endpoint.replay',
    summary:
      'Send the messages since a time that this endpoint never got, e.g. created later or filtered then',
  },
  {
    path: 'bulk-replay',
    kind: 'endpoint.bulk-replay',
    summary: 'Send again every message in a window, delivered or not (Switchyard extension)',
  },
];

export function replayRoutes({ store, payloadRetentionDays = 90 }: ApiOptions) {
  const router = createRouter();

  for (const { path, kind, summary } of TASK_ROUTES) {
    router.openapi(
      createRoute({
        method: 'post',
        path: `/api/v1/app/{app_id}/endpoint/{endpoint_id}/${path}`,
        tags,
        summary,
        request: { params: endpointParams, ...jsonBody(windowSchema) },
        responses: {
          202: jsonResponse(
            backgroundTaskOutSchema,
            'Started; follow it with GET /api/v1/background-task/{id}',
          ),
          ...errorResponses,
        },
      }),
      async (c) => {
        const { app, endpoint } = await requireEndpoint(c, store);
        const body = c.req.valid('json');
        const since = new Date(body.since);
        const until = body.until ? new Date(body.until) : new Date();
        if (until <= since) throw invalidField(['until'], 'must be after since');
        const task = await store.backgroundTasks.create({
          appId: app.id,
          endpointId: endpoint.id,
          kind,
          since,
          until,
        });
        return c.json(toBackgroundTaskOut(task), 202);
      },
    );
  }

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/app/{app_id}/msg/{msg_id}/endpoint/{endpoint_id}/resend',
      tags,
      summary: 'Send one message to one endpoint again, now, outside the retry schedule',
      request: { params: endpointParams.extend({ msg_id: z.string().min(1).max(256) }) },
      responses: { 202: jsonResponse(z.object({}).openapi('Empty'), 'Queued'), ...errorResponses },
    }),
    async (c) => {
      const { app, endpoint } = await requireEndpoint(c, store);
      const message = await store.messages.find(app.id, c.req.valid('param').msg_id);
      if (!message) throw notFound('Message');
      await store.deliveryQueue.resend(app.id, message.id, endpoint.id);
      return c.json({}, 202);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/app/{app_id}/endpoint/{endpoint_id}/send-example',
      tags,
      summary: "Send a catalog event type's example to this endpoint only: signed, one attempt, not retried",
      request: {
        params: endpointParams,
        ...jsonBody(
          z
            .strictObject({
              eventType: z.string().min(1).max(256),
              exampleIndex: z.number().int().min(0).optional(),
            })
            .openapi('EventExampleIn'),
        ),
      },
      responses: { 202: jsonResponse(messageOutSchema, 'Queued'), ...errorResponses },
    }),
    async (c) => {
      const { app, endpoint } = await requireEndpoint(c, store);
      const { eventType, exampleIndex = 0 } = c.req.valid('json');
      const stored = await store.eventTypes.find(eventType);
      const examples = (stored?.schemas?.['1'] as { examples?: unknown[] } | undefined)?.examples ?? [];
      const example =
        examples[exampleIndex] ?? (exampleIndex === 0 ? findEventType(eventType)?.example : undefined);
      if (!stored && !example) throw invalidField(['eventType'], `event type '${eventType}' does not exist`);
      if (!example || typeof example !== 'object') {
        throw invalidField(['exampleIndex'], `event type '${eventType}' has no example ${exampleIndex}`);
      }
      const { message } = await store.messages.create(
        app.id,
        { eventType, payload: example as Record<string, unknown>, retentionHours: payloadRetentionDays * 24 },
        undefined,
        { endpointId: endpoint.id },
      );
      return c.json(toMessageOut(message), 202);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/background-task/{task_id}',
      tags,
      summary: 'Get a background task (recover, replay) with its progress',
      request: { params: z.object({ task_id: z.string().min(1).max(64) }) },
      responses: { 200: jsonResponse(backgroundTaskOutSchema, 'The task'), ...errorResponses },
    }),
    async (c) => {
      const task = await store.backgroundTasks.find(c.req.valid('param').task_id);
      const principal = c.get('principal');
      if (!task || (principal.kind === 'app' && principal.appId !== task.appId))
        throw notFound('Background task');
      return c.json(toBackgroundTaskOut(task), 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/background-task',
      tags,
      summary: 'List background tasks, newest first',
      request: { query: pageQuerySchema.omit({ order: true }) },
      responses: {
        200: jsonResponse(
          listResponseSchema(backgroundTaskOutSchema, 'ListResponse_BackgroundTaskOut_'),
          'Tasks',
        ),
        ...errorResponses,
      },
    }),
    async (c) => {
      const principal = c.get('principal');
      const page = await store.backgroundTasks.list(
        { ...c.req.valid('query'), order: 'descending' },
        principal.kind === 'app' ? principal.appId : undefined,
      );
      return c.json({ ...page, data: page.data.map(toBackgroundTaskOut) }, 200);
    },
  );

  return router;
}
