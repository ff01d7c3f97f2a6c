import type { ResponseVerdict, VendorResponse } from '../connector.ts';
import { bodyExcerpt, retryAfterHeaderMs, retryVerdict } from '../vendor-response.ts';

/**
 * How an n8n Webhook node's answer counts. destinations.md §3g documents no response contract, so this is
 * conservative **[unverified]**:
 * - 2xx: success (the node answers 200 "Workflow was started" when set to respond immediately).
 * - 404: `permanent`, not `gone`: n8n answers 404 "webhook is not registered" while the workflow is inactive,
 *   which the merchant fixes by activating it; the endpoint is not disabled.
 * - 401/403 (the node was given authentication), 400, 413 and other 4xx: `permanent`.
 * - 408, 429 and 5xx (instance down or overloaded): `retry`, honouring `Retry-After`.
 */
export function classifyN8nResponse(response: VendorResponse, now: number = Date.now()): ResponseVerdict {
  const status = response.statusCode;
  if (status >= 200 && status < 300) return { kind: 'success' };
  if (status === 408 || status === 429 || status >= 500) {
    return retryVerdict(retryAfterHeaderMs(response, now));
  }
  if (status === 404) {
    return {
      kind: 'permanent',
      reason: `n8n has no active webhook at this URL (404)${bodyExcerpt(response.body, ': ')}: activate the workflow, and use the Webhook node's Production URL set to POST`,
    };
  }
  if (status === 401 || status === 403) {
    return {
      kind: 'permanent',
      reason: `the Webhook node refused the request (${status})${bodyExcerpt(response.body, ': ')}: set its Authentication to None, since the URL is the secret`,
    };
  }
  if (status === 413) {
    return {
      kind: 'permanent',
      reason: `n8n refused the body as too large (413)${bodyExcerpt(response.body, ': ')}: send fewer fields`,
    };
  }
  return { kind: 'permanent', reason: `n8n answered ${status}${bodyExcerpt(response.body, ': ')}` };
}
