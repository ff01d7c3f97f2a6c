import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** One invalid field, in Svix's HTTPValidationError shape: `loc` starts with `body`, `query` or `path`. */
export interface ValidationIssue {
  loc: (string | number)[];
  msg: string;
  type: string;
}

/**
 * The one error type of the API: an HTTP status, Svix's string `code`, and a `detail` for people. Answered as
 * `application/problem+json`; 422 keeps Svix's array of invalid fields as `detail`, which the SDK expects.
 */
export class ApiError extends Error {
  override name = 'ApiError';
  readonly status: ContentfulStatusCode;
  readonly code: string;
  readonly detail: string | ValidationIssue[];

  constructor(
    status: ContentfulStatusCode,
    code: string,
    detail: string | ValidationIssue[],
    options?: { cause?: unknown },
  ) {
    super(
      typeof detail === 'string' ? detail : detail.map((d) => `${d.loc.join('.')}: ${d.msg}`).join('; '),
      options,
    );
    this.status = status;
    this.code = code;
    this.detail = detail;
  }
}

export function notFound(what: string): ApiError {
  return new ApiError(404, 'not_found', `${what} not found`);
}

export function validationError(issues: ValidationIssue[]): ApiError {
  return new ApiError(422, 'validation', issues);
}

/** A single invalid body field. */
export function invalidField(loc: (string | number)[], msg: string): ApiError {
  return validationError([{ loc: ['body', ...loc], msg, type: 'value_error' }]);
}

export function forbidden(detail = 'This token may not perform this operation'): ApiError {
  return new ApiError(403, 'insufficient_access', detail);
}
