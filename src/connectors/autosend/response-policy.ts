import type { ResponseVerdict, VendorResponse } from '../connector.ts';
import { bodyExcerpt, retryAfterHeaderMs, retryVerdict } from '../vendor-response.ts';

/**
 * AutoSend [error codes unverified]: 2xx is success (the email is queued); 429 (honouring `Retry-After`) and 5xx
 * are retried; 401/403 are the API key or an unverified sender domain; other 4xx would fail again.
 */
export function classifyAutosendResponse(response: VendorResponse): ResponseVerdict {
  const status = response.statusCode;
  if (status >= 200 && status < 300) return { kind: 'success' };
  if (status === 429 || status >= 500) {
    return retryVerdict(retryAfterHeaderMs(response));
  }
  if (status === 401 || status === 403) {
    return {
      kind: 'permanent',
      reason: `AutoSend refused the request (${status})${bodyExcerpt(response.body, ': ')}: check the API key on the card (Settings → API Keys) and that the sender domain is verified`,
    };
  }
  return {
    kind: 'permanent',
    reason: `AutoSend rejected the request (${status})${bodyExcerpt(response.body, ': ')}; the same request would be rejected again`,
  };
}
