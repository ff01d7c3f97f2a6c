import type { ResponseVerdict, VendorResponse } from '../connector.ts';

function header(response: VendorResponse, name: string): string | undefined {
  for (const [key, value] of Object.entries(response.headers)) {
    if (key.toLowerCase() === name) return value;
  }
  return undefined;
}

function excerpt(body: string): string {
  const text = body.trim().replace(/\s+/g, ' ');
  if (text === '') return '';
  return `: ${text.length > 200 ? `${text.slice(0, 197)}...` : text}`;
}

/**
 * MailerLite: 200 (updated) and 201 (created) are success; 429 waits for `Retry-After` (documented on the
 * Getting started page); 5xx is retried; 401/403 are the token; 404 (no such subscriber for a PUT) and 422
 * (validation) would fail again. Nothing here is "gone": the destination is an account, not a URL.
 */
export function classifyMailerliteResponse(response: VendorResponse): ResponseVerdict {
  const status = response.statusCode;
  if (status >= 200 && status < 300) return { kind: 'success' };
  if (status === 429 || status >= 500) {
    const after = header(response, 'retry-after')?.trim();
    return after && /^\d+$/.test(after)
      ? { kind: 'retry', retryAfterMs: Number(after) * 1000 }
      : { kind: 'retry' };
  }
  if (status === 401 || status === 403) {
    return {
      kind: 'permanent',
      reason: `MailerLite refused the API token (${status})${excerpt(response.body)}: check the token on the card (Integrations → MailerLite API)`,
    };
  }
  return {
    kind: 'permanent',
    reason: `MailerLite rejected the request (${status})${excerpt(response.body)}; the same request would be rejected again`,
  };
}
