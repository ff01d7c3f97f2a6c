import type { ResponseVerdict, VendorResponse } from '../connector.ts';
import { bodyExcerpt, retryAfterHeaderMs, retryVerdict } from '../vendor-response.ts';

/**
 * How Windmill's answer counts (destinations.md §3f):
 * - 2xx: success (async runs answer the job UUID as text; `run_wait_result` the script's result).
 * - 401/403: the token is wrong, expired or not scoped to this runnable: `permanent`.
 * - 404: no script or flow at this path **[unverified]**: `permanent`, not `gone` (a script can be redeployed at the
 *   same path).
 * - 400 (bad arguments **[unverified]**), 413 and other 4xx: `permanent`.
 * - 5xx and, though no rate limit is documented, 408/429: `retry`, honouring `Retry-After`.
 */
export function classifyWindmillResponse(
  response: VendorResponse,
  now: number = Date.now(),
): ResponseVerdict {
  const status = response.statusCode;
  if (status >= 200 && status < 300) return { kind: 'success' };
  if (status === 408 || status === 429 || status >= 500) {
    return retryVerdict(retryAfterHeaderMs(response, now));
  }
  if (status === 401 || status === 403) {
    return {
      kind: 'permanent',
      reason: `Windmill refused the token (${status})${bodyExcerpt(response.body, ': ')}: create a webhook token for this script and paste the URL ending in ?token=`,
    };
  }
  if (status === 404) {
    return {
      kind: 'permanent',
      reason: `Windmill has no script or flow at this URL (404)${bodyExcerpt(response.body, ': ')}: copy the URL again from the script's Details → Webhooks tab`,
    };
  }
  if (status === 400) {
    return {
      kind: 'permanent',
      reason: `Windmill refused the arguments (400)${bodyExcerpt(response.body, ': ')}: send a JSON object whose keys match the script's main parameters`,
    };
  }
  return { kind: 'permanent', reason: `Windmill answered ${status}${bodyExcerpt(response.body, ': ')}` };
}
