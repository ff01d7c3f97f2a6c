import type { ResponseVerdict, VendorResponse } from '../connector.ts';
import { bodyExcerpt, retryAfterHeaderMs, retryVerdict } from '../vendor-response.ts';

/**
 * How Loops' answer counts (destinations.md §4e): 2xx is success; 409 "Idempotency key already used" means the
 * first attempt got through, so it is success (Loops does not replay the original answer); 429 and 5xx are retried
 * (Loops documents no `Retry-After`; one is honoured if sent); 401/403 are the key; other 4xx would fail again.
 */
export function classifyLoopsResponse(response: VendorResponse): ResponseVerdict {
  const status = response.statusCode;
  if (status >= 200 && status < 300) return { kind: 'success' };
  if (status === 409 && /idempotency key already used/i.test(response.body)) return { kind: 'success' };
  if (status === 429 || status >= 500) {
    return retryVerdict(retryAfterHeaderMs(response));
  }
  if (status === 401 || status === 403) {
    return {
      kind: 'permanent',
      reason: `Loops refused the API key (${status})${bodyExcerpt(response.body, ': ')}: check the key on the card (Settings → API)`,
    };
  }
  return {
    kind: 'permanent',
    reason: `Loops rejected the request (${status})${bodyExcerpt(response.body, ': ')}; the same request would be rejected again`,
  };
}
