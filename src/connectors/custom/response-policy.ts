import type { ResponseVerdict, VendorResponse } from '../connector.ts';
import { responseHeader, retryAfterHeaderMs, retryVerdict } from '../vendor-response.ts';

/**
 * How the merchant's own API's answer counts. There is no vendor document, so the rules are the generic ones
 * of HTTP and of Standard Webhooks / Svix (shared/reference/delivery-semantics.md §4), made conservative:
 * - 2xx: success.
 * - `webhook-delivery: disable` (Svix receiver control) and 410 Gone: `gone`, the endpoint is disabled.
 * - `webhook-delivery: abort-message`: `permanent`.
 * - 408, 425, 429 and 5xx: `retry`, honouring `Retry-After` (seconds or an HTTP date).
 * - 3xx: `permanent`. Redirects are not followed: the card's credentials only go to the endpoint's host.
 * - 401 and 403: `permanent`, pointing at the card's authentication.
 * - other 4xx: `permanent` (the same request would be refused again).
 */

function excerpt(body: string): string {
  const text = body.trim();
  if (text === '') return 'no details in the response';
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}

export function classifyCustomResponse(response: VendorResponse): ResponseVerdict {
  const status = response.statusCode;
  if (status >= 200 && status < 300) return { kind: 'success' };
  const control = responseHeader(response, 'webhook-delivery')?.trim().toLowerCase();
  if (control === 'disable') return { kind: 'gone', reason: 'your API asked (webhook-delivery: disable)' };
  if (control === 'abort-message') {
    return { kind: 'permanent', reason: 'your API asked (webhook-delivery: abort-message)' };
  }
  if (status === 410) {
    return { kind: 'gone', reason: `your API answered 410 Gone: ${excerpt(response.body)}` };
  }
  if (status === 408 || status === 425 || status === 429 || status >= 500) {
    return retryVerdict(retryAfterHeaderMs(response));
  }
  if (status >= 300 && status < 400) {
    const location = responseHeader(response, 'location');
    return {
      kind: 'permanent',
      reason: `your API answered ${status} and redirected${location ? ` to ${location}` : ''}; redirects are not followed (the credentials only go to the endpoint's host): set the endpoint URL to the final address`,
    };
  }
  if (status === 401 || status === 403) {
    return {
      kind: 'permanent',
      reason: `your API refused the credentials (${status}): check the card's authentication (scheme, and its user name and password, token, or header). ${excerpt(response.body)}`,
    };
  }
  return { kind: 'permanent', reason: `your API answered ${status}: ${excerpt(response.body)}` };
}
