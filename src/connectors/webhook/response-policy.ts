import type { ResponseVerdict, VendorResponse } from '../connector.ts';

/**
 * How the receiver's answer counts, per Standard Webhooks (shared/reference/delivery-semantics.md §4) and the
 * Svix receiver controls:
 * - 2xx: success.
 * - 410 Gone, or `webhook-delivery: disable`: `gone` (the endpoint is disabled).
 * - `webhook-delivery: abort-message`: `permanent` (this message is not retried).
 * - everything else, 3xx included (redirects are not followed), is a failure that is retried on the schedule,
 *   as for a plain endpoint; 429, 502, 503 and 504 are throttling, and `Retry-After` (seconds or an HTTP date)
 *   is honoured on any failure that carries it.
 */

function header(response: VendorResponse, name: string): string | undefined {
  for (const [key, value] of Object.entries(response.headers)) {
    if (key.toLowerCase() === name) return value;
  }
  return undefined;
}

/** `Retry-After` as delay-seconds or an HTTP date, in milliseconds; undefined when absent or unreadable. */
export function retryAfterMs(response: VendorResponse, now: number = Date.now()): number | undefined {
  const raw = header(response, 'retry-after')?.trim();
  if (raw === undefined || raw === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(raw)) return Math.round(Number(raw) * 1000);
  const date = Date.parse(raw);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

export function classifyWebhookResponse(response: VendorResponse): ResponseVerdict {
  const status = response.statusCode;
  if (status >= 200 && status < 300) return { kind: 'success' };
  const control = header(response, 'webhook-delivery')?.trim().toLowerCase();
  if (control === 'disable')
    return { kind: 'gone', reason: 'the receiver asked (webhook-delivery: disable)' };
  if (control === 'abort-message') {
    return { kind: 'permanent', reason: 'the receiver asked (webhook-delivery: abort-message)' };
  }
  if (status === 410) return { kind: 'gone', reason: 'the receiver answered 410 Gone' };
  const after = retryAfterMs(response);
  return after === undefined ? { kind: 'retry' } : { kind: 'retry', retryAfterMs: after };
}
