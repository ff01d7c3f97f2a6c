import type { ResponseVerdict, VendorResponse } from '../connector.ts';
import { responseHeader, retryAfterHeaderMs, retryVerdict } from '../vendor-response.ts';

/** `Retry-After` (seconds, possibly fractional), else `reset=` of the `RateLimit` header, else the body's `rate_reset`. */
export function retryAfterMs(response: VendorResponse): number | undefined {
  const retryAfter = retryAfterHeaderMs(response);
  if (retryAfter !== undefined) return retryAfter;
  const reset = /reset=(\d+(?:\.\d+)?)/.exec(responseHeader(response, 'ratelimit') ?? '');
  if (reset) return Math.round(Number(reset[1]) * 1000);
  try {
    const body = JSON.parse(response.body) as { error?: { rate_reset?: unknown } };
    if (typeof body.error?.rate_reset === 'number') return Math.round(body.error.rate_reset * 1000);
  } catch {}
  return undefined;
}

function describe(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: unknown; 'field-errors'?: Record<string, unknown> };
    const parts: string[] = [];
    if (typeof parsed.error === 'string' && parsed.error !== '') parts.push(parsed.error);
    for (const [field, message] of Object.entries(parsed['field-errors'] ?? {}))
      parts.push(`${field}: ${String(message)}`);
    if (parts.length > 0) return parts.join('; ');
  } catch {}
  const text = body.trim().replace(/\s+/g, ' ');
  return text.length > 200 ? `${text.slice(0, 197)}...` : text || 'no body';
}

/**
 * How Close's answer counts (destinations.md §4b): 2xx success; 429 retried with backoff, after `Retry-After` /
 * the `RateLimit` reset when given (Close: "Handle 429 responses with exponential backoff"); 5xx retried;
 * 401/403 (API key wrong or revoked) and 400 (invalid fields), 404 and other 4xx permanent. Close documents no
 * idempotency, so a retried create after a lost answer may create a second record [unverified either way].
 */
export function classifyCloseResponse(response: VendorResponse): ResponseVerdict {
  const status = response.statusCode;
  if (status >= 200 && status < 300) return { kind: 'success' };
  if (status === 429 || status >= 500) {
    return retryVerdict(retryAfterMs(response));
  }
  if (status === 401 || status === 403) {
    return {
      kind: 'permanent',
      reason: `Close refused the API key (${status}: ${describe(response.body)}): check the key on the card (Settings → Developer → API Keys)`,
    };
  }
  return {
    kind: 'permanent',
    reason: `Close rejected the request (${status}: ${describe(response.body)}); the same request would fail again`,
  };
}
