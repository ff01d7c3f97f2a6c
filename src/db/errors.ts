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
