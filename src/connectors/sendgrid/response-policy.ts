import type { ResponseVerdict, VendorResponse } from '../connector.ts';
import { responseHeader, retryAfterHeaderMs, retryVerdict } from '../vendor-response.ts';

/** `Retry-After` (seconds or an HTTP date), else `X-RateLimit-Reset` (a Unix time in seconds). */
export function retryAfterMs(response: VendorResponse, now: number = Date.now()): number | undefined {
  const reset = responseHeader(response, 'x-ratelimit-reset')?.trim();
  return (
    retryAfterHeaderMs(response, now) ??
    (reset && /^\d+$/.test(reset) ? Math.max(0, Number(reset) * 1000 - now) : undefined)
  );
}

/** The messages of SendGrid's `{"errors":[{field, message}]}` body, or the body itself. */
function describe(body: string): string {
  try {
    const parsed = JSON.parse(body) as { errors?: { field?: string | null; message?: string }[] };
    if (Array.isArray(parsed.errors) && parsed.errors.length > 0) {
      return parsed.errors.map((e) => (e.field ? `${e.field}: ${e.message}` : String(e.message))).join('; ');
    }
  } catch {}
  const text = body.trim().replace(/\s+/g, ' ');
  return text.length > 200 ? `${text.slice(0, 197)}...` : text || 'no body';
}

/**
 * How SendGrid's answer counts (destinations.md §4d): 202 (any 2xx) is success; 429 and 5xx are retried, waiting
 * for `X-RateLimit-Reset`; 400 (invalid mail), 401 (bad key), 403 (sender not verified, key lacks Mail Send),
 * 406 (no Accept header) and 413 (too large) would fail the same way again and are permanent.
 */
export function classifySendgridResponse(
  response: VendorResponse,
  now: number = Date.now(),
): ResponseVerdict {
  const status = response.statusCode;
  if (status >= 200 && status < 300) return { kind: 'success' };
  if (status === 429 || status >= 500) {
    return retryVerdict(retryAfterMs(response, now));
  }
  if (status === 401 || status === 403) {
    return {
      kind: 'permanent',
      reason: `SendGrid refused the request (${status}: ${describe(response.body)}): check the API key on the card has Mail Send permission, the region, and that the from address is a verified sender`,
    };
  }
  return {
    kind: 'permanent',
    reason: `SendGrid rejected the mail (${status}: ${describe(response.body)}); the same mail would be rejected again`,
  };
}
