import type { ResponseVerdict, VendorResponse } from '../connector.ts';
import { bodyExcerpt, retryAfterHeaderMs, retryVerdict } from '../vendor-response.ts';

/**
 * MailerLite: 200 (updated) and 201 (created) are success; 429 waits for `Retry-After` (documented on the
 * Getting started page); 5xx is retried; 401/403 are the token; 404 (no such subscriber for a PUT) and 422
 * (validation) would fail again. Nothing here is "gone": the destination is an account, not a URL.
 */
export function classifyMailerliteResponse(response: VendorResponse): ResponseVerdict {
  const status = response.statusCode;
  if (status >= 200 && status < 300) return { kind: 'success' };
  if (status === 429 || status >= 500) {
    return retryVerdict(retryAfterHeaderMs(response));
  }
  if (status === 401 || status === 403) {
    return {
      kind: 'permanent',
      reason: `MailerLite refused the API token (${status})${bodyExcerpt(response.body, ': ')}: check the token on the card (Integrations → MailerLite API)`,
    };
  }
  return {
    kind: 'permanent',
    reason: `MailerLite rejected the request (${status})${bodyExcerpt(response.body, ': ')}; the same request would be rejected again`,
  };
}
