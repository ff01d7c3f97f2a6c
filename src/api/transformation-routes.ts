import { createRoute, z } from '@hono/zod-openapi';
import { findEventType } from '../catalog/index.ts';
import { findConnector, reviewRequest } from '../connectors/index.ts';
import type { Store } from '../db/index.ts';
import { readPayload, type TransformationOutcome } from '../sandbox/index.ts';
import { invalidField, validationError } from './api-error.ts';
import { requireEndpoint } from './auth.ts';
import { errorResponses, eventTypeNameSchema, jsonBody, jsonResponse, noContent } from './common-schemas.ts';
import type { ApiOptions } from './context.ts';
import { createRouter } from './router.ts';

const variablesSchema = z
  .record(z.string().max(256), z.string().max(4096))
  .openapi({ example: { list_id: 'abc' } });

const transformationOutSchema = z
  .object({
    code: z.string().nullable(),
    enabled: z.boolean(),
    variables: z.record(z.string(), z.string()),
    updatedAt: z.string().nullable(),
  })
  .openapi('EndpointTransformationOut');

const runOutSchema = z
  .object({
    cancelled: z.boolean(),
    request: z
      .object({
        method: z.enum(['POST', 'PUT', 'PATCH']),
        url: z.string(),
        headers: z.record(z.string(), z.string()),
        payload: z.unknown(),
      })
      .nullable(),
    console: z.array(
      z.object({ level: z.enum(['log', 'info', 'warn', 'error', 'debug']), message: z.string() }),
    ),
    durationMs: z.number(),
    error: z
      .object({
        name: z.string(),
        message: z.string(),
        line: z.number().nullable(),
        column: z.number().nullable(),
      })
      .nullable(),
    warnings: z.array(z.object({ field: z.string(), message: z.string() })).openapi({
      description: 'With a connector: what the vendor would reject, so delivery would not send it',
    }),
  })
  .openapi('TransformationRunOut');

type RunOut = z.infer<typeof runOutSchema>;

/**
 * @param request the request as shown, when a connector has prepared it; by default what the code returned
 */
function toRunOut(
  outcome: TransformationOutcome,
  request = outcome.kind === 'request' ? readPayload(outcome.request) : null,
  warnings: RunOut['warnings'] = [],
): RunOut {
  return {
    warnings,
    cancelled: outcome.kind === 'cancelled',
    request,
    console: outcome.console,
    durationMs: outcome.durationMs,
    error: outcome.kind === 'error' ? outcome.error : null,
  };
}

/** The example payload of an event type: the stored schema's first example, else the built-in catalog's. */
async function exampleOf(store: Store, eventType: string): Promise<Record<string, unknown> | undefined> {
  const stored = await store.eventTypes.find(eventType);
  const examples = (stored?.schemas?.['1'] as { examples?: unknown[] } | undefined)?.examples;
  const example = examples?.[0] ?? findEventType(eventType)?.example;
  return example && typeof example === 'object' ? (example as Record<string, unknown>) : undefined;
}

const endpointParams = z.object({
  app_id: z.string().min(1).max(256),
  endpoint_id: z.string().min(1).max(256),
});
const tags = ['Transformation'];
const DEFAULT_TEST_URL = 'https://endpoint.example/webhook';

export function transformationRoutes({ store, sandbox }: ApiOptions) {
  const router = createRouter();

  router.openapi(
    createRoute({
      method: 'get',
      path: '/api/v1/app/{app_id}/endpoint/{endpoint_id}/transformation',
      tags,
      summary: "Get the endpoint's transformation",
      request: { params: endpointParams },
      responses: { 200: jsonResponse(transformationOutSchema, 'The transformation'), ...errorResponses },
    }),
    async (c) => {
      const { endpoint } = await requireEndpoint(c, store);
      return c.json(
        {
          code: endpoint.transformationCode,
          enabled: endpoint.transformationEnabled,
          variables: endpoint.transformationVariables,
          updatedAt: endpoint.transformationUpdatedAt?.toISOString() ?? null,
        },
        200,
      );
    },
  );

  router.openapi(
    createRoute({
      method: 'patch',
      path: '/api/v1/app/{app_id}/endpoint/{endpoint_id}/transformation',
      tags,
      summary:
        'Change the code, variables or enabled state; code is compiled first and refused if it does not load',
      request: {
        params: endpointParams,
        ...jsonBody(
          z
            .strictObject({
              code: z.string().min(1).nullish(),
              enabled: z.boolean().optional(),
              variables: variablesSchema.nullish(),
            })
            .openapi('EndpointTransformationPatch'),
        ),
      },
      responses: { 204: noContent, ...errorResponses },
    }),
    async (c) => {
      const { app, endpoint } = await requireEndpoint(c, store);
      const body = c.req.valid('json');
      if (typeof body.code === 'string') {
        const problem = await sandbox.check(endpoint.id, body.code);
        if (problem && problem.name !== 'SandboxUnavailableError') {
          const where = problem.line ? ` (line ${problem.line}, column ${problem.column})` : '';
          throw validationError([
            {
              loc: ['body', 'code'],
              msg: `${problem.name}: ${problem.message}${where}`,
              type: 'value_error',
            },
          ]);
        }
      }
      const code = body.code === undefined ? endpoint.transformationCode : body.code;
      if ((body.enabled ?? endpoint.transformationEnabled) && !code) {
        throw invalidField(['enabled'], 'a transformation without code cannot be enabled');
      }
      await store.endpoints.setTransformation(app.id, endpoint.id, {
        code: body.code,
        enabled: body.code === null ? false : body.enabled,
        variables: body.variables,
      });
      return c.body(null, 204);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/transformations/run',
      tags,
      summary: 'Run transformation code on a sample event, without an endpoint and without sending anything',
      request: {
        ...jsonBody(
          z
            .strictObject({
              code: z.string().min(1),
              eventType: eventTypeNameSchema,
              payload: z
                .record(z.string(), z.unknown())
                .optional()
                .openapi({ description: "Default: the event type's example" }),
              env: variablesSchema.optional(),
              url: z.string().url().optional(),
              connector: z
                .string()
                .min(1)
                .max(64)
                .optional()
                .openapi({ description: 'Check the result against this connector' }),
              region: z.string().min(1).max(32).optional(),
            })
            .openapi('TransformationRunIn'),
        ),
      },
      responses: { 200: jsonResponse(runOutSchema, 'What the code produced'), ...errorResponses },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const connector = body.connector ? findConnector(body.connector) : undefined;
      if (body.connector && !connector) throw invalidField(['connector'], `no connector '${body.connector}'`);
      const region =
        connector &&
        (body.region
          ? connector.manifest.regions.find((r) => r.id === body.region)
          : connector.manifest.regions[0]);
      if (connector && !region)
        throw invalidField(
          ['region'],
          `must be one of ${connector.manifest.regions.map((r) => r.id).join(', ')}`,
        );
      const payload = body.payload ?? (await exampleOf(store, body.eventType));
      if (!payload)
        throw invalidField(['payload'], `event type '${body.eventType}' has no example; send a payload`);
      const principal = c.get('principal');
      const outcome = await sandbox.transform({
        scope: `run:${principal.kind === 'app' ? principal.appId : 'operator'}`,
        code: body.code,
        input: {
          eventType: body.eventType,
          payload,
          url: body.url ?? DEFAULT_TEST_URL,
          method: 'POST',
          headers: {},
          env: body.env ?? {},
          cancel: false,
        },
      });
      if (outcome.kind !== 'request' || !connector || !region) return c.json(toRunOut(outcome), 200);
      const request = connector.prepare(readPayload(outcome.request), {
        messageId: 'msg_test',
        endpointId: 'ep_test',
      });
      return c.json(
        toRunOut(outcome, request, reviewRequest(connector, request, region, body.url ?? DEFAULT_TEST_URL)),
        200,
      );
    },
  );

  const backtestItem = z.object({
    messageId: z.string(),
    eventType: z.string(),
    timestamp: z.string(),
    current: runOutSchema,
    draft: runOutSchema,
    changed: z.boolean(),
  });

  router.openapi(
    createRoute({
      method: 'post',
      path: '/api/v1/app/{app_id}/endpoint/{endpoint_id}/transformation/backtest',
      tags,
      summary:
        "Run draft code on the endpoint's latest messages beside what the current code makes of them; sends nothing",
      request: {
        params: endpointParams,
        ...jsonBody(
          z
            .strictObject({ code: z.string().min(1), limit: z.number().int().min(1).max(100).default(10) })
            .openapi('TransformationBacktestIn'),
        ),
      },
      responses: {
        200: jsonResponse(
          z.object({ data: z.array(backtestItem) }).openapi('TransformationBacktestOut'),
          'Results, newest first',
        ),
        ...errorResponses,
      },
    }),
    async (c) => {
      const { app, endpoint } = await requireEndpoint(c, store);
      const { code, limit } = c.req.valid('json');
      const page = await store.deliveries.listEndpointMessages(app.id, endpoint.id, {
        limit,
        order: 'descending',
      });
      const current = endpoint.transformationEnabled ? endpoint.transformationCode : null;
      const data = await Promise.all(
        page.data
          .filter(({ message }) => message.payload !== null)
          .map(async ({ message }) => {
            const input = {
              eventType: message.eventType,
              payload: message.payload,
              url: endpoint.url,
              method: 'POST' as const,
              headers: {},
              env: endpoint.transformationVariables,
              cancel: false as const,
            };
            const draft = toRunOut(
              await sandbox.transform({ scope: `backtest:${endpoint.id}`, code, input }),
            );
            const now: RunOut = current
              ? toRunOut(await sandbox.transform({ scope: endpoint.id, code: current, input }))
              : {
                  cancelled: false,
                  request: { method: 'POST', url: endpoint.url, headers: {}, payload: message.payload },
                  console: [],
                  durationMs: 0,
                  error: null,
                  warnings: [],
                };
            const comparable = (run: RunOut) =>
              JSON.stringify([run.cancelled, run.request, run.error?.name, run.error?.message]);
            return {
              messageId: message.id,
              eventType: message.eventType,
              timestamp: message.createdAt.toISOString(),
              current: now,
              draft,
              changed: comparable(now) !== comparable(draft),
            };
          }),
      );
      return c.json({ data }, 200);
    },
  );

  return router;
}
