import type { ResponseVerdict, VendorResponse } from '../connector.ts';
import { bodyExcerpt, retryAfterHeaderMs, retryVerdict } from '../vendor-response.ts';

/**
 * How a Slack incoming webhook's answer counts (shared/reference/destinations.md §3a). Errors come as a plain-text
 * code in the body.
 * - 2xx: success. The body is `ok` **[unverified]**, so it is not required.
 * - 404 (`channel_not_found`, `no_service`, `no_service_id`, `no_team`, `no_active_hooks`): the webhook is gone.
 * - 429: retry after `Retry-After` (seconds); Slack may disable an app that keeps sending while limited.
 * - 500 (`rollup_error`) and other 5xx, and 408: retry.
 * - 400 (`invalid_payload`, `no_text`, …), 403 (`invalid_token`, `action_prohibited`), 410 (`channel_is_archived`)
 *   and any other status: permanent.
 */

const excerpt = (body: string) => bodyExcerpt(body) || 'no details in the response';

export function classifySlackResponse(response: VendorResponse, now: number = Date.now()): ResponseVerdict {
  const status = response.statusCode;
  if (status >= 200 && status < 300) return { kind: 'success' };
  if (status === 404) {
    return {
      kind: 'gone',
      reason: `Slack says the incoming webhook no longer exists (404 ${excerpt(response.body)}): it was removed, or its channel or app was deleted. Create a new Webhook URL in Slack and paste it on the card`,
    };
  }
  if (status === 429 || status === 408 || status >= 500) {
    return retryVerdict(retryAfterHeaderMs(response, now));
  }
  if (status === 410) {
    return {
      kind: 'permanent',
      reason: `Slack refused the message (410 ${excerpt(response.body)}): the channel is archived; unarchive it or pick another channel`,
    };
  }
  if (status === 403) {
    return {
      kind: 'permanent',
      reason: `Slack refused the message (403 ${excerpt(response.body)}): the webhook's token is invalid or posting is prohibited; check the app in Slack`,
    };
  }
  return { kind: 'permanent', reason: `Slack refused the message (${status} ${excerpt(response.body)})` };
}
