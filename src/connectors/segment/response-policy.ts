import type { ResponseVerdict, VendorResponse } from '../connector.ts';
import { bodyExcerpt, responseHeader, retryAfterHeaderMs, retryVerdict } from '../vendor-response.ts';

/**
 * `X-RateLimit-Reset`: Segment documents it as the seconds after which to retry. A value that can only be a Unix
 * time (after 2001) is read as one.
 */
function rateLimitResetMs(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (!/^\d+(?:\.\d+)?$/.test(text)) return undefined;
  const seconds = Number(text);
  if (seconds >= 1_000_000_000) return Math.max(0, seconds * 1000 - now);
  return Math.round(seconds * 1000);
}

function retry(response: VendorResponse, now: number): ResponseVerdict {
  return retryVerdict(
    retryAfterHeaderMs(response, now) ?? rateLimitResetMs(responseHeader(response, 'x-ratelimit-reset'), now),
  );
}

/**
 * How Segment's answer counts, as its official SDK reads it: 2xx is success; 400 (malformed or oversized) is
 * never retried; 401/403 mean the Write Key or region is wrong, so retrying cannot help; 429 waits as long as
 * `Retry-After` (or `X-RateLimit-Reset`) says; everything else (5xx, other 4xx) is retried.
 */
export function classifySegmentResponse(response: VendorResponse, now: number = Date.now()): ResponseVerdict {
  const status = response.statusCode;
  if (status >= 200 && status < 300) return { kind: 'success' };
  if (status === 400) {
    return {
      kind: 'permanent',
      reason: `Segment rejected the call as malformed or too large (400)${bodyExcerpt(response.body, ': ')}; the same call would be rejected again`,
    };
  }
  if (status === 401 || status === 403) {
    return {
      kind: 'permanent',
      reason: `Segment refused the credentials (${status})${bodyExcerpt(response.body, ': ')}: check the Write Key on the card and that the region matches the workspace`,
    };
  }
  return retry(response, now);
}
