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
    const waitMs = retryAfterMs(response, now);
    return waitMs === undefined ? { kind: 'retry' } : { kind: 'retry', retryAfterMs: waitMs };
  }
  if (status === 404) {
    return {
      kind: 'permanent',
      reason: `n8n has no active webhook at this URL (404)${excerpt(response.body)}: activate the workflow, and use the Webhook node's Production URL set to POST`,
    };
  }
  if (status === 401 || status === 403) {
    return {
      kind: 'permanent',
      reason: `the Webhook node refused the request (${status})${excerpt(response.body)}: set its Authentication to None, since the URL is the secret`,
    };
  }
  if (status === 413) {
    return {
      kind: 'permanent',
      reason: `n8n refused the body as too large (413)${excerpt(response.body)}: send fewer fields`,
    };
  }
  return { kind: 'permanent', reason: `n8n answered ${status}${excerpt(response.body)}` };
}
