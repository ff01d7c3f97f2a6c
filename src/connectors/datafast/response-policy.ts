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
 * DataFast [error codes unverified; its API introduction is not in the reference]: 2xx is success, including the
 * answer to a repeated `transaction_id` (already recorded); 429 (honouring `Retry-After`) and 5xx are retried;
 * 401/403 are the API key; other 4xx (a malformed payment) would fail again.
 */
export function classifyDatafastResponse(response: VendorResponse): ResponseVerdict {
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
      reason: `DataFast refused the request (${status})${excerpt(response.body)}: check the API key on the card (Website settings → API)`,
    };
  }
  return {
    kind: 'permanent',
    reason: `DataFast rejected the request (${status})${excerpt(response.body)}; the same request would be rejected again`,
  };
}
