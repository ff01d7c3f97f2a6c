import type { ResponseVerdict, VendorResponse } from '../connector.ts';
import { responseHeader, retryAfterHeaderMs, retryVerdict } from '../vendor-response.ts';

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

export function classifyWebhookResponse(response: VendorResponse): ResponseVerdict {
  const status = response.statusCode;
  if (status >= 200 && status < 300) return { kind: 'success' };
  const control = responseHeader(response, 'webhook-delivery')?.trim().toLowerCase();
  if (control === 'disable')
    return { kind: 'gone', reason: 'the receiver asked (webhook-delivery: disable)' };
  if (control === 'abort-message') {
    return { kind: 'permanent', reason: 'the receiver asked (webhook-delivery: abort-message)' };
  }
  if (status === 410) return { kind: 'gone', reason: 'the receiver answered 410 Gone' };
  return retryVerdict(retryAfterHeaderMs(response));
}
