import type { ResponseVerdict, VendorResponse } from '../connector.ts';
import { responseHeader, retryAfterHeaderMs, retryVerdict } from '../vendor-response.ts';

/** `Retry-After` (seconds or a date), else `X-RateLimit-Reset` (Unix seconds, or seconds to wait if small). */
function waitMs(response: VendorResponse, now: number): number | undefined {
  const retryAfter = retryAfterHeaderMs(response, now);
  if (retryAfter !== undefined) return retryAfter;
  const reset = responseHeader(response, 'x-ratelimit-reset')?.trim();
  if (reset && /^\d+(\.\d+)?$/.test(reset)) {
    const value = Number(reset);
    if (value >= 1_000_000_000_000) return Math.max(0, value - now);
    if (value >= 1_000_000_000) return Math.max(0, value * 1000 - now);
    return Math.round(value * 1000);
  }
  return undefined;
}

/** Dub's error body `{"error":{"code","message"}}`, else the raw text. */
function excerpt(body: string): string {
  let text = body.trim();
  try {
    const parsed = JSON.parse(body) as { error?: { code?: unknown; message?: unknown } };
    if (parsed?.error && typeof parsed.error.message === 'string') {
      text = `${typeof parsed.error.code === 'string' ? `${parsed.error.code}: ` : ''}${parsed.error.message}`;
    }
  } catch {
    // not JSON
  }
  text = text.replace(/\s+/g, ' ');
  if (text === '') return '';
  return `: ${text.length > 200 ? `${text.slice(0, 197)}...` : text}`;
}

/**
 * How Dub's answer counts. destinations.md §4f has no response facts, so this follows Dub's published error
 * codes conservatively **[unverified]**:
 * - 2xx: success.
 * - 401 (invalid key), 403 (the key lacks `conversions.write`), 400/422 (invalid body), 404, 409 and other 4xx:
 *   `permanent` — never `gone`, since a new key on the card fixes them.
 * - 429 (`rate_limit_exceeded`): `retry` after `Retry-After` or `X-RateLimit-Reset`; 408 and 5xx: `retry`.
 */
export function classifyDubResponse(response: VendorResponse, now: number = Date.now()): ResponseVerdict {
  const status = response.statusCode;
  if (status >= 200 && status < 300) return { kind: 'success' };
  if (status === 408 || status === 429 || status >= 500) {
    return retryVerdict(waitMs(response, now));
  }
  if (status === 401) {
    return {
      kind: 'permanent',
      reason: `Dub refused the API key (401)${excerpt(response.body)}: paste a valid key (dub_…) on the card`,
    };
  }
  if (status === 403) {
    return {
      kind: 'permanent',
      reason: `Dub refused the API key's permissions (403)${excerpt(response.body)}: give the key Conversions: Write (conversions.write)`,
    };
  }
  if (status === 400 || status === 422) {
    return {
      kind: 'permanent',
      reason: `Dub refused the sale (${status})${excerpt(response.body)}; the same body would be refused again`,
    };
  }
  return { kind: 'permanent', reason: `Dub answered ${status}${excerpt(response.body)}` };
}
