import type { ResponseVerdict, VendorResponse } from './connector.ts';

// What every response policy reads from a vendor's answer, read one way.

/** A header of the answer, whatever the case of its name (`name` in lower case). */
export function responseHeader(response: VendorResponse, name: string): string | undefined {
  for (const [key, value] of Object.entries(response.headers)) {
    if (key.toLowerCase() === name) return value;
  }
  return undefined;
}

/** `Retry-After` in milliseconds, as seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterHeaderMs(response: VendorResponse, now: number = Date.now()): number | undefined {
  const raw = responseHeader(response, 'retry-after')?.trim();
  if (raw === undefined || raw === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(raw)) return Math.round(Number(raw) * 1000);
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** The body on one line and at most 200 characters, after `prefix`, for an attempt's reason; '' when empty. */
export function bodyExcerpt(body: string, prefix = ''): string {
  const text = body.trim().replace(/\s+/g, ' ');
  if (text === '') return '';
  return `${prefix}${text.length > 200 ? `${text.slice(0, 197)}...` : text}`;
}

/** Retry, after `waitMs` when the vendor said how long to wait. */
export function retryVerdict(waitMs: number | undefined): ResponseVerdict {
  return waitMs === undefined ? { kind: 'retry' } : { kind: 'retry', retryAfterMs: waitMs };
}
