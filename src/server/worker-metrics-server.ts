import { serve } from '@hono/node-server';
import type { Logger } from 'pino';
import { createWorkerApi } from '../api/index.ts';
import type { Config } from '../config/index.ts';
import type { Store } from '../db/index.ts';
import type { Metrics } from '../metrics/index.ts';

/**
 * A worker-only process's own small HTTP server: liveness and the metrics of the deliveries it makes, for
 * the same scraper (operator token or SWITCHYARD_METRICS_TOKEN) as the API's.
 * @returns where it listens, and how to stop it
 */
export async function serveWorkerMetrics(
  config: Config,
  store: Store,
  metrics: Metrics,
  logger: Logger,
  port: number,
): Promise<{ url: string; close(): Promise<void> }> {
  const api = createWorkerApi({
    store,
    metrics,
    logger,
    adminToken: config.SWITCHYARD_ADMIN_TOKEN,
    metricsToken: config.SWITCHYARD_METRICS_TOKEN,
  });
  const host = config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST;
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const s = serve({ fetch: api.fetch, hostname: config.HOST, port }, () => resolve(s));
    s.once('error', reject);
  });
  const address = server.address();
  const url = `http://${host}:${typeof address === 'object' && address ? address.port : port}`;
  return {
    url,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
