import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ZodError } from 'zod';
import { isDatabaseUnavailable, isUnstorableText, StoreError } from '../db/index.ts';
import { ApiError, type ValidationIssue } from './api-error.ts';

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Validation Failed',
  429: 'Too Many Requests',
  431: 'Request Header Fields Too Large',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

const STORE_STATUS = { conflict: 409, not_found: 404, limit_reached: 400 } as const;

/** An RFC 9457 problem document with Svix's `code`. */
export function problemBody(status: number, code: string, detail: string | ValidationIssue[], extra = {}) {
  return {
    type: `https://switchyard.dev/problems/${code}`,
    title: TITLES[status] ?? 'Error',
    status,
    code,
    detail,
    ...extra,
  };
}

export function problemResponse(
  status: ContentfulStatusCode,
  code: string,
  detail: string | ValidationIssue[],
  extra = {},
) {
  return new Response(JSON.stringify(problemBody(status, code, detail, extra)), {
    status,
    headers: { 'content-type': 'application/problem+json' },
  });
}

/** Converts a Zod error of one request part into Svix's 422 detail list. */
export function toValidationIssues(error: ZodError, part: string): ValidationIssue[] {
  return error.issues.flatMap((issue) => {
    const loc = [part, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))];
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        loc: [...loc, key],
        msg: `unknown field "${key}"`,
        type: 'value_error.extra',
      }));
    }
    // A record key that failed its own schema: give that schema's reason, not just "Invalid key in record".
    if (issue.code === 'invalid_key' && issue.issues.length) {
      return [{ loc, msg: issue.issues.map((i) => i.message).join('; '), type: 'value_error' }];
    }
    return [{ loc, msg: issue.message, type: 'value_error' }];
  });
}

/**
 * Maps any error thrown while handling a request to a problem response. Unexpected errors are logged
 * with the request id and answered without internals.
 */
export function respondToError(
  error: unknown,
  c: Context,
  log: (error: unknown, requestId: string) => void,
): Response {
  if (error instanceof ApiError) return problemResponse(error.status, error.code, error.detail);
  if (error instanceof StoreError)
    return problemResponse(STORE_STATUS[error.code], error.code, error.message);
  if (error instanceof HTTPException) {
    if (error.status === 413)
      return problemResponse(413, 'payload_too_large', 'The request body is too large');
    // Hono's validator reports an empty or unreadable JSON body itself.
    if (error.status === 400 && /JSON/i.test(error.message)) {
      return problemResponse(
        400,
        'invalid_json',
        'The request body must be a JSON document; it was empty or malformed',
      );
    }
    return problemResponse(error.status, 'generic_error', error.message || TITLES[error.status] || 'Error');
  }
  if (isUnstorableText(error)) {
    return problemResponse(
      400,
      'invalid_characters',
      'The request contains a NUL character (\\u0000), which cannot be stored; remove it',
    );
  }
  if (isDatabaseUnavailable(error)) {
    // Not the request's fault nor a bug: a client (or load balancer) should try again, as after a 503.
    const response = problemResponse(
      503,
      'database_unavailable',
      'The database cannot be reached right now; try again shortly',
    );
    response.headers.set('retry-after', '1');
    return response;
  }
  const requestId = c.get('requestId') ?? 'unknown';
  log(error, requestId);
  return problemResponse(
    500,
    'server_error',
    `Unexpected error; quote request id ${requestId} when reporting it`,
    {
      requestId,
    },
  );
}
