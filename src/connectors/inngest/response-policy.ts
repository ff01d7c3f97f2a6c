import type { ResponseVerdict, VendorResponse } from '../connector.ts';
import { bodyExcerpt, retryAfterHeaderMs, retryVerdict } from '../vendor-response.ts';

/**
 * How Inngest's answer counts (destinations.md §3e): 2xx success (`{ids, status}`); 400 (invalid event, too
 * large) and 401/403 (unknown or disabled event key) are `permanent`, as are other 4xx; 429 and 5xx are
 * retried. Inngest documents no 429 or `Retry-After` **[unverified]**; one is honoured when present. A bad key
 * is `permanent`, not `gone`: the merchant can re-create the key or paste another URL.
 */
export function classifyInngestResponse(response: VendorResponse, now: number = Date.now()): ResponseVerdict {
  const status = response.statusCode;
  if (status >= 200 && status < 300) return { kind: 'success' };
  if (status === 408 || status === 429 || status >= 500) {
    return retryVerdict(retryAfterHeaderMs(response, now));
  }
  if (status === 401 || status === 403) {
    return {
      kind: 'permanent',
      reason: `Inngest refused the event key (${status})${bodyExcerpt(response.body, ': ')}: copy the key again from Manage → Event Keys and paste https://inn.gs/e/{EVENT_KEY}`,
    };
  }
  if (status === 400 || status === 413) {
    return {
      kind: 'permanent',
      reason: `Inngest refused the event (${status})${bodyExcerpt(response.body, ': ')}; the same event would be refused again`,
    };
  }
  return { kind: 'permanent', reason: `Inngest answered ${status}${bodyExcerpt(response.body, ': ')}` };
}
