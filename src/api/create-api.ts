import { OpenAPIHono } from '@hono/zod-openapi';
import { cors } from 'hono/cors';
import { requestId } from 'hono/request-id';
import { accessLog } from './access-log.ts';
import { activityRoutes } from './activity-routes.ts';
import { alertRoutes } from './alert-routes.ts';
import { appRoutes } from './app-routes.ts';
import { attemptRoutes } from './attempt-routes.ts';
import { createAuthenticator } from './auth.ts';
import { authRoutes } from './auth-routes.ts';
import { connectorRoutes } from './connector-routes.ts';
import type { ApiEnv, ApiOptions } from './context.ts';
import { docsRoutes } from './docs-routes.ts';
import { endpointRoutes } from './endpoint-routes.ts';
import { eventTypeRoutes } from './event-type-routes.ts';
import { healthRoutes } from './health-routes.ts';
import { idempotency } from './idempotency.ts';
import { messageRoutes } from './message-routes.ts';
import { addMetricsRoute } from './metrics-route.ts';
import { isOAuthCallback, oauthRoutes } from './oauth-routes.ts';
import { problemResponse, respondToError } from './problem.ts';
import { replayRoutes } from './replay-routes.ts';
import { limitBody, parseJsonBody } from './request-body.ts';
import { validateResponses } from './response-validation.ts';
import { transformationRoutes } from './transformation-routes.ts';

const DOCUMENT = {
  openapi: '3.1.0',
  info: {
    title: 'Switchyard API',
    version: '1',
    description: 'Svix-compatible webhooks API. Authenticate with "Authorization: Bearer <token>".',
  },
  security: [{ bearer: [] }],
};

/** The Svix-compatible HTTP API, as a Hono app (Web-standard Request in, Response out). */
/** What every Switchyard HTTP server starts from: problem+json for errors and unknown routes, request ids. */
function createBaseApi(logger: ApiOptions['logger']) {
  const api = new OpenAPIHono<ApiEnv>({ strict: false });
  api.onError((error, c) =>
    respondToError(error, c, (err, id) => logger.error({ err, requestId: id }, 'unexpected error')),
  );
  api.notFound((c) => problemResponse(404, 'not_found', `No route for ${c.req.method} ${c.req.path}`));
  api.use('*', requestId());
  return api;
}

export function createApi(options: ApiOptions) {
  const api = createBaseApi(options.logger);
  const authenticator = createAuthenticator(options.store, options.adminToken);

  api.use('/api/*', accessLog(options.logger));
  if (options.validateResponses) {
    api.use(
      '/api/*',
      validateResponses(() => api.getOpenAPI31Document(DOCUMENT), options.logger),
    );
  }
  api.use(
    '/api/*',
    cors({
      origin: '*',
      allowHeaders: ['authorization', 'content-type', 'idempotency-key', 'svix-req-id', 'svix-retry-count'],
      allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
      maxAge: 86_400,
    }),
  );
  api.use('/api/*', limitBody(options.maxBodyBytes), parseJsonBody());

  api.route('/', healthRoutes(options));
  api.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'The operator token, or an app-portal token (which reaches only its app).',
  });
  api.doc31('/api/openapi.json', DOCUMENT);
  api.route('/', docsRoutes());

  if (options.metrics) {
    addMetricsRoute(api, { authenticator, metrics: options.metrics, metricsToken: options.metricsToken });
  }

  api.use('/api/v1/*', async (c, next) => {
    const { path } = c.req;
    if (path.startsWith('/api/v1/health') || path === '/api/v1/ready' || isOAuthCallback(path)) return next();
    return authenticator.middleware(c, next);
  });
  api.use('/api/v1/*', idempotency(options.store));

  api.route('/', appRoutes(options));
  api.route('/', alertRoutes(options));
  api.route('/', eventTypeRoutes(options));
  api.route('/', endpointRoutes(options));
  api.route('/', messageRoutes(options));
  api.route('/', attemptRoutes(options));
  api.route('/', replayRoutes(options));
  api.route('/', transformationRoutes(options));
  api.route('/', connectorRoutes(options));
  api.route('/', activityRoutes(options));
  api.route('/', oauthRoutes(options));
  api.route('/', authRoutes(options, authenticator));
  return api;
}

export type Api = ReturnType<typeof createApi>;

/**
 * What a worker-only process serves, when asked to: its liveness and its metrics (its deliveries, attempts
 * and sandbox calls are counted where they happen, not in the API processes).
 */
export function createWorkerApi(
  options: Pick<ApiOptions, 'store' | 'adminToken' | 'metricsToken' | 'logger'> & {
    metrics: NonNullable<ApiOptions['metrics']>;
  },
) {
  const api = createBaseApi(options.logger);
  api.get('/api/v1/health', (c) => c.body(null, 204));
  addMetricsRoute(api, {
    authenticator: createAuthenticator(options.store, options.adminToken),
    metrics: options.metrics,
    metricsToken: options.metricsToken,
  });
  return api;
}
