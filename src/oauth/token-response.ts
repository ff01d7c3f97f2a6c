import type { OAuthRefusal } from '../connectors/connector.ts';

/** Vendor words are shown to merchants and stored; a hostile or broken endpoint could send anything. */
const MAX_DESCRIPTION = 300;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function refusal(error: string, description: string): OAuthRefusal {
  return { error, description: description.slice(0, MAX_DESCRIPTION) };
}

/**
 * The refusal RFC 6749 §5.2 describes (`{error, error_description}`), or a generic one for an answer that is
 * not a token response at all; a 5xx is `temporarily_unavailable`, so that callers retry rather than give up.
 */
export function standardRefusal(vendor: string, statusCode: number, body: unknown): OAuthRefusal {
  if (statusCode >= 500) {
    return refusal('temporarily_unavailable', `${vendor} answered ${statusCode}; try again later`);
  }
  if (isRecord(body) && text(body.error)) {
    return refusal(text(body.error)!, text(body.error_description) ?? `${vendor} refused the request`);
  }
  return refusal('invalid_response', `${vendor} answered ${statusCode} without a token`);
}
