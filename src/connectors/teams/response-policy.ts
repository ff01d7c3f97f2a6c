import type { ResponseVerdict, VendorResponse } from '../connector.ts';
import { bodyExcerpt, retryAfterHeaderMs, retryVerdict } from '../vendor-response.ts';

/**
 * How a Teams webhook's answer counts (shared/reference/destinations.md §3c):
 * - Legacy Incoming Webhook: success is 200 with body `1`. **Throttling is not a 429 status**: the answer (even a
 *   200) carries "Microsoft Teams endpoint returned HTTP error 429" in its body, so that body means `retry`,
 *   whatever the status. A body reporting "HTTP error 5xx" is retried too; any other delivery-failure body is
 *   permanent.
 * - Workflows: 202 (empty body) means the flow was started, nothing more; failures only show in the flow's run
 *   history **[unverified]**. So 202 counts as success.
 * - 429, 408 and 5xx: retry (with `Retry-After` when present). 413: permanent (over 28 KB).
 * - 404 and every other status: permanent. Teams does not document what a deleted webhook answers, so a 404 is
 *   not taken to mean the webhook is gone (the endpoint is not disabled) **[unverified]**.
 */

const excerpt = (body: string) => bodyExcerpt(body) || 'no details in the response';

function retry(response: VendorResponse, now: number): ResponseVerdict {
  return retryVerdict(retryAfterHeaderMs(response, now));
}

export function classifyTeamsResponse(response: VendorResponse, now: number = Date.now()): ResponseVerdict {
  const status = response.statusCode;
  const body = response.body;
  if (/HTTP error 429/i.test(body)) return retry(response, now);
  const reported = /HTTP error (\d{3})/i.exec(body);
  if (reported) {
    if (Number(reported[1]) >= 500) return retry(response, now);
    return { kind: 'permanent', reason: `Teams could not post the message (${status}: ${excerpt(body)})` };
  }
  if (status >= 200 && status < 300) {
    if (/delivery failed|^\s*(error|failed)\b/i.test(body)) {
      return { kind: 'permanent', reason: `Teams could not post the message (${status}: ${excerpt(body)})` };
    }
    return { kind: 'success' };
  }
  if (status === 429 || status === 408 || status >= 500) return retry(response, now);
  if (status === 413) {
    return {
      kind: 'permanent',
      reason: `Teams refused the message as too large (413 ${excerpt(body)}): keep the card under 28 KB`,
    };
  }
  if (status === 401 || status === 403 || status === 404) {
    return {
      kind: 'permanent',
      reason: `Teams refused the webhook URL (${status} ${excerpt(body)}): the webhook or flow may have been removed, or the URL (its sig) is incomplete; paste the URL again on the card`,
    };
  }
  return { kind: 'permanent', reason: `Teams refused the message (${status} ${excerpt(body)})` };
}
