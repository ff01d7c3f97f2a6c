import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { ApiError } from './api-error.ts';
import type { ApiEnv } from './context.ts';

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i;

/** Refuses bodies over `maxBytes` with 413 while they stream in, before they are held whole. */
export function limitBody(maxBytes: number): MiddlewareHandler<ApiEnv> {
  return bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw new ApiError(413, 'payload_too_large', `The request body is larger than ${maxBytes} bytes`);
    },
  });
}

/**
 * Requires a request body to be JSON and parses it once, so that a wrong media type or a syntax error
 * gets its own clear answer instead of a list of missing fields.
 */
export function parseJsonBody(): MiddlewareHandler<ApiEnv> {
  return async (c, next) => {
    const hasBody =
      Number(c.req.header('content-length') ?? 0) > 0 || c.req.header('transfer-encoding') !== undefined;
    if (!hasBody || c.req.method === 'GET' || c.req.method === 'HEAD') return next();
    const mediaType = (c.req.header('content-type') ?? '').split(';')[0]!.trim();
    if (!JSON_MEDIA_TYPE.test(mediaType)) {
      throw new ApiError(
        415,
        'unsupported_media_type',
        `Send the body as JSON with "Content-Type: application/json" (got "${mediaType || 'none'}")`,
      );
    }
    try {
      await c.req.json();
    } catch (error) {
      if (error instanceof ApiError) throw error;
      throw new ApiError(
        400,
        'invalid_json',
        `The request body is not valid JSON: ${(error as Error).message}`,
      );
    }
    await next();
  };
}
