/** Why a store operation could not be done; the API maps each code to a status. */
export type StoreErrorCode = 'conflict' | 'not_found' | 'limit_reached';

/** The one error type of the store: a typed code, a message for people, and the cause. */
export class StoreError extends Error {
  override name = 'StoreError';
  readonly code: StoreErrorCode;

  constructor(code: StoreErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** PostgreSQL's unique_violation, from either driver. */
export function isUniqueViolation(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error || (e && typeof e === 'object'); ) {
    if ((e as { code?: unknown }).code === '23505') return true;
    e = (e as { cause?: unknown }).cause;
    if (!e) break;
  }
  return false;
}

/**
 * Whether PostgreSQL refused text it cannot store: a NUL character, in text (22021) or in a JSON string
 * (22P05). Only input can carry one, so the request, not the server, is at fault.
 */
export function isUnstorableText(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 8; depth++) {
    const { code } = e as { code?: unknown };
    if (code === '22021' || code === '22P05') return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** SQLSTATE classes and codes that mean the server is unreachable, going down or not yet up. */
const UNAVAILABLE_STATES = /^(08...|57P0[1-3])$/;
/** Socket errors of a server that is not there (restarting, unreachable). */
const UNAVAILABLE_SOCKETS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH']);

/**
 * Whether an error means the database could not be reached (down, restarting, connection cut), rather than
 * that the statement was wrong: the request may succeed if tried again shortly. Looks through the causes
 * Drizzle wraps driver errors in.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 8; depth++) {
    const { code, message, errors } = e as { code?: unknown; message?: unknown; errors?: unknown };
    if (typeof code === 'string' && (UNAVAILABLE_STATES.test(code) || UNAVAILABLE_SOCKETS.has(code)))
      return true;
    // node-postgres reports a socket that closed mid-query without a code.
    if (typeof message === 'string' && /^Connection terminated/.test(message)) return true;
    // A refused connection to a host with several addresses arrives as an AggregateError.
    if (Array.isArray(errors) && errors.some(isDatabaseUnavailable)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
