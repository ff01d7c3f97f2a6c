import type { ResponseVerdict, VendorResponse } from '../connector.ts';
import { responseHeader, retryAfterHeaderMs, retryVerdict } from '../vendor-response.ts';

interface HubspotError {
  status?: string;
  message?: string;
  category?: string;
  policyName?: string;
}

export function hubspotError(body: string): HubspotError | undefined {
  try {
    const parsed = JSON.parse(body) as unknown;
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as HubspotError)
      : undefined;
  } catch {
    return undefined;
  }
}

function describe(response: VendorResponse): string {
  const error = hubspotError(response.body);
  if (error?.message) return `${error.category ? `${error.category}: ` : ''}${error.message}`;
  const text = response.body.trim().replace(/\s+/g, ' ');
  return text.length > 200 ? `${text.slice(0, 197)}...` : text || 'no body';
}

/** `Retry-After` when sent; else the burst window (`X-HubSpot-RateLimit-Interval-Milliseconds`). */
export function retryAfterMs(response: VendorResponse, now: number = Date.now()): number | undefined {
  const interval = responseHeader(response, 'x-hubspot-ratelimit-interval-milliseconds')?.trim();
  return (
    retryAfterHeaderMs(response, now) ?? (interval && /^\d+$/.test(interval) ? Number(interval) : undefined)
  );
}

/**
 * How HubSpot's answer counts (destinations.md §4a):
 * - 2xx success, except 207 (a batch in which some inputs failed), which is permanent: those inputs would fail again.
 * - 429 `TEN_SECONDLY_ROLLING` (or any 429 without `DAILY`): retry after `Retry-After` or the burst window.
 * - 429 `DAILY`: permanent for now (the portal's daily quota resets at midnight in its time zone; the retry schedule
 *   would spend its attempts before then).
 * - 5xx and 423 (locked, transient): retry.
 * - 409 `CONFLICT` "already exists" on a create: success, the object is there (a retry of a create that went
 *   through, or a contact the portal already had). [unverified: not in destinations.md; HubSpot's documented
 *   409 body for a duplicate contact email.]
 * - Other 4xx (400 validation, 401 token, 403 missing scopes, 404): permanent.
 */
export function classifyHubspotResponse(response: VendorResponse, now: number = Date.now()): ResponseVerdict {
  const status = response.statusCode;
  const error = hubspotError(response.body);
  if (status === 207) {
    return {
      kind: 'permanent',
      reason: `HubSpot accepted only part of the batch (207): ${response.body.slice(0, 300)}`,
    };
  }
  if (status >= 200 && status < 300) return { kind: 'success' };
  if (status === 429) {
    if (error?.policyName === 'DAILY') {
      return {
        kind: 'permanent',
        reason: `HubSpot's daily API limit for this portal is used up (429 DAILY): it resets at midnight in the portal's time zone`,
      };
    }
    return retryVerdict(retryAfterMs(response, now));
  }
  if (status >= 500 || status === 423) {
    return retryVerdict(retryAfterMs(response, now));
  }
  if (status === 409 && error?.category === 'CONFLICT' && /already exists/i.test(error.message ?? '')) {
    return { kind: 'success' };
  }
  if (status === 401 || status === 403) {
    return {
      kind: 'permanent',
      reason: `HubSpot refused the token (${status} ${describe(response)}): check the private app's access token on the card and its CRM scopes`,
    };
  }
  return {
    kind: 'permanent',
    reason: `HubSpot rejected the request (${status} ${describe(response)}); the same request would fail again`,
  };
}
