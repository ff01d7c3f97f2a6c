import type { Hono } from 'hono';
import type { Metrics } from '../metrics/index.ts';
import { tokensEqual } from '../secrets/index.ts';
import { type Authenticator, requireOperator } from './auth.ts';
import type { ApiEnv } from './context.ts';

/**
 * `GET /metrics` in Prometheus text, for the operator, or for the holder of `metricsToken`, which opens
 * nothing else: what a scraper is given.
 */
export function addMetricsRoute(
  app: Hono<ApiEnv>,
  options: { authenticator: Authenticator; metrics: Metrics; metricsToken?: string | undefined },
) {
  const { authenticator, metrics, metricsToken } = options;
  const isScraper = (header: string | undefined) =>
    metricsToken !== undefined && tokensEqual(header ?? '', `Bearer ${metricsToken}`);
  app.get(
    '/metrics',
    (c, next) => (isScraper(c.req.header('authorization')) ? next() : authenticator.middleware(c, next)),
    async (c) => {
      if (!isScraper(c.req.header('authorization'))) requireOperator(c);
      return c.body(await metrics.registry.metrics(), 200, { 'content-type': metrics.registry.contentType });
    },
  );
}
