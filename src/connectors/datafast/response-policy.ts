import type { ResponseVerdict, VendorResponse } from '../connector.ts';
import { bodyExcerpt, retryAfterHeaderMs, retryVerdict } from '../vendor-response.ts';

/**
 * DataFast [error codes unverified; its API introduction is not in the reference]: 2xx is success, including the
 * answer to a repeated `transaction_id` (already recorded); 429 (honouring `Retry-After`) and 5xx are retried;
 * 401/403 are the API key; other 4xx (a malformed payment) would fail again.
 */
export function classifyDatafastResponse(response: VendorResponse): ResponseVerdict {
  const status = response.statusCode;
  if (status >= 200 && status < 300) return { kind: 'success' };
  if (status === 429 || status >= 500) {
    return retryVerdict(retryAfterHeaderMs(response));
  }
  if (status === 401 || status === 403) {
    return {
      kind: 'permanent',
      reason: `DataFast refused the request (${status})${bodyExcerpt(response.body, ': ')}: check the API key on the card (Website settings → API)`,
    };
  }
  return {
    kind: 'permanent',
    reason: `DataFast rejected the request (${status})${bodyExcerpt(response.body, ': ')}; the same request would be rejected again`,
  };
}
