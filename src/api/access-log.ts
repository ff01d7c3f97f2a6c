import type { MiddlewareHandler } from 'hono';
import type { Logger } from 'pino';
import type { ApiEnv } from './context.ts';

/**
 * One log line per API request, with the request id that the message's delivery logs carry too. The path
 * only, never the query (an OAuth callback's holds the code) nor headers or bodies. Successes log at debug,
 * since an ingest-heavy platform sends thousands a second; client errors at info; server errors are logged
 * where they are handled.
 */
export function accessLog(logger: Logger): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const status = c.res.status;
    if (status >= 500) return;
    const level = status >= 400 ? 'info' : 'debug';
    if (!logger.isLevelEnabled(level)) return;
    logger[level](
      {
        requestId: c.get('requestId'),
        method: c.req.method,
        path: c.req.path,
        status,
        durationMs: Math.round((performance.now() - started) * 100) / 100,
      },
      'api request',
    );
  };
}
