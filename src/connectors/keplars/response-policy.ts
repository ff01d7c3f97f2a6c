import type { ResponseVerdict, VendorResponse } from '../connector.ts';
import { bodyExcerpt, retryAfterHeaderMs, retryVerdict } from '../vendor-response.ts';

/**
 * Keplars [unverified beyond the Dodo page]: 2xx is success (the email is queued); 429 (honouring `Retry-After`
 * if sent) and 5xx are retried, as the official SDKs retry them; 401/403 are the API key or an unverified sender;
 * other 4xx (a template that does not exist, a malformed body) would fail again.
 */
export function classifyKeplarsResponse(response: VendorResponse): ResponseVerdict {
  const status = response.statusCode;
  if (status >= 200 && status < 300) return { kind: 'success' };
  if (status === 429 || status >= 500) {
    return retryVerdict(retryAfterHeaderMs(response));
  }
  if (status === 401 || status === 403) {
    return {
      kind: 'permanent',
      reason: `Keplars refused the request (${status})${bodyExcerpt(response.body, ': ')}: check the API key on the card (Settings → API Keys) and that the sender is verified (Domains)`,
    };
  }
  return {
    kind: 'permanent',
    reason: `Keplars rejected the request (${status})${bodyExcerpt(response.body, ': ')}; the same request would be rejected again`,
  };
}
