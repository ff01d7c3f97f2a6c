import type { ResponseVerdict, VendorResponse } from '../connector.ts';
import { responseHeader, retryAfterHeaderMs, retryVerdict } from '../vendor-response.ts';

/** `retry-after` (seconds, or an HTTP date), else `ratelimit-reset` (seconds until the window resets). */
export function retryAfterMs(response: VendorResponse, now: number = Date.now()): number | undefined {
  const reset = responseHeader(response, 'ratelimit-reset')?.trim();
  return (
    retryAfterHeaderMs(response, now) ??
    (reset && /^\d+(?:\.\d+)?$/.test(reset) ? Math.round(Number(reset) * 1000) : undefined)
  );
}

/** Resend's error body `{statusCode, message, name}`, when it is one. */
export function resendError(body: string): { name: string; message: string } | undefined {
  try {
    const parsed = JSON.parse(body) as unknown;
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      typeof (parsed as { name?: unknown }).name === 'string'
    ) {
      const { name, message } = parsed as { name: string; message?: unknown };
      return { name, message: typeof message === 'string' ? message : '' };
    }
  } catch {}
  return undefined;
}

function describe(response: VendorResponse): string {
  const error = resendError(response.body);
  if (error) return `${error.name}${error.message ? `: ${error.message}` : ''}`;
  const text = response.body.trim().replace(/\s+/g, ' ');
  return text.length > 200 ? `${text.slice(0, 197)}...` : text || 'no body';
}

/**
 * How Resend's answer counts (destinations.md §4c): 2xx success; 429 and 5xx are retried (honouring
 * `retry-after` / `ratelimit-reset`); 409 `concurrent_idempotent_requests` (the same key is still in flight) is
 * retried [unverified: Resend's error page, not the reference]; every other 4xx (bad key, missing User-Agent
 * = 403 error 1010, validation, unverified domain, bad idempotency key) would fail again and is permanent.
 * A key problem is not `gone`: the merchant can rotate the key on the card.
 */
export function classifyResendResponse(response: VendorResponse, now: number = Date.now()): ResponseVerdict {
  const status = response.statusCode;
  if (status >= 200 && status < 300) return { kind: 'success' };
  const error = resendError(response.body);
  if (
    status === 429 ||
    status >= 500 ||
    (status === 409 && error?.name === 'concurrent_idempotent_requests')
  ) {
    return retryVerdict(retryAfterMs(response, now));
  }
  if (status === 401 || status === 403) {
    return {
      kind: 'permanent',
      reason: `Resend refused the request (${status} ${describe(response)}): check the API key on the card, its sending access and that the from domain is verified`,
    };
  }
  return {
    kind: 'permanent',
    reason: `Resend rejected the email (${status} ${describe(response)}); the same email would be rejected again`,
  };
}
