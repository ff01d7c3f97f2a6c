import type { ResponseVerdict, VendorResponse } from '../connector.ts';
import { bodyExcerpt, retryAfterHeaderMs, retryVerdict } from '../vendor-response.ts';

/**
 * How Zapier's answer to a catch hook counts (shared/reference/destinations.md §3d):
 * - 2xx: success. The body is a fixed success message whose shape (`{attempt, id, request_id, status}`) is
 *   **[unverified]**, so it is not read. Under load Zapier may answer 200 and process the request late.
 * - 429 (20,000 requests per 5 min per user; 1,000 per 5 min per Zap on legacy URLs), 408 and 5xx: retry, with
 *   `Retry-After` when present.
 * - Other 4xx: permanent. Zapier's general advice is to retry any non-200, but its own white-label delivery treats
 *   other 4xx as permanent, and so does Switchyard: the same request would be refused again. Zapier does not
 *   document what a deleted hook answers, so a 404 does not disable the endpoint **[unverified]**.
 */

const excerpt = (body: string) => bodyExcerpt(body) || 'no details in the response';

export function classifyZapierResponse(response: VendorResponse, now: number = Date.now()): ResponseVerdict {
  const status = response.statusCode;
  if (status >= 200 && status < 300) return { kind: 'success' };
  if (status === 429 || status === 408 || status >= 500) {
    return retryVerdict(retryAfterHeaderMs(response, now));
  }
  if (status === 404 || status === 410) {
    return {
      kind: 'permanent',
      reason: `Zapier does not know this catch hook (${status} ${excerpt(response.body)}): the Zap or its trigger may have been deleted; copy the webhook URL from the Zap's trigger again and paste it on the card`,
    };
  }
  if (status === 413) {
    return {
      kind: 'permanent',
      reason: `Zapier refused the request as too large (413 ${excerpt(response.body)}): keep the body under 2 MB`,
    };
  }
  return { kind: 'permanent', reason: `Zapier refused the request (${status} ${excerpt(response.body)})` };
}
