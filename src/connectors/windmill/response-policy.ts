import type { ResponseVerdict, VendorResponse } from '../connector.ts';

function header(response: VendorResponse, name: string): string | undefined {
  for (const [key, value] of Object.entries(response.headers)) {
    if (key.toLowerCase() === name) return value;
  }
  return undefined;
}

function retryAfterMs(response: VendorResponse, now: number): number | undefined {
  const raw = header(response, 'retry-after')?.trim();
  if (raw === undefined || raw === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(raw)) return Math.round(Number(raw) * 1000);
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function excerpt(body: string): string {
  const text = body.trim().replace(/\s+/g, ' ');
  if (text === '') return '';
  return `: ${text.length > 200 ? `${text.slice(0, 197)}...` : text}`;
}

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
    const waitMs = retryAfterMs(response, now);
    return waitMs === undefined ? { kind: 'retry' } : { kind: 'retry', retryAfterMs: waitMs };
  }
  if (status === 401 || status === 403) {
    return {
      kind: 'permanent',
      reason: `Windmill refused the token (${status})${excerpt(response.body)}: create a webhook token for this script and paste the URL ending in ?token=`,
    };
  }
  if (status === 404) {
    return {
      kind: 'permanent',
      reason: `Windmill has no script or flow at this URL (404)${excerpt(response.body)}: copy the URL again from the script's Details → Webhooks tab`,
    };
  }
  if (status === 400) {
    return {
      kind: 'permanent',
      reason: `Windmill refused the arguments (400)${excerpt(response.body)}: send a JSON object whose keys match the script's main parameters`,
    };
  }
  return { kind: 'permanent', reason: `Windmill answered ${status}${excerpt(response.body)}` };
}
