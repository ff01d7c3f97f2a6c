import type { ResponseVerdict, VendorResponse } from '../connector.ts';
import { responseHeader, retryAfterHeaderMs, retryVerdict } from '../vendor-response.ts';

/**
 * How a Track API answer counts (shared/reference/destinations.md §2):
 * - 200 `{}` is success (any other 2xx but 207 too).
 * - 207 comes from `/api/v2/batch` only: some items were invalid and **the rest were accepted**. The reference
 *   says not to resend the whole batch: the accepted items would be applied a second time (events without an
 *   `id` would be recorded twice), and the rejected items are invalid, so they would fail again. So 207 is
 *   `permanent`, with the failed indices and Customer.io's reasons, so the merchant sees what was dropped;
 *   it is never `retry`. (It is not `success` either: part of the message never arrived.)
 * - 400 (the body is invalid), 401 (bad Site ID or API Key), and other 4xx: `permanent`.
 * - 408, 429 and 5xx: `retry`. Customer.io documents no `Retry-After`, but one is honoured when present.
 * - 3xx: Customer.io redirects an EU account's traffic sent to the US host; a redirect is not followed
 *   (credentials stay on the region's host), so it is `permanent` with where it pointed.
 */

interface TrackError {
  batch_index?: unknown;
  reason?: unknown;
  field?: unknown;
  message?: unknown;
}

function errorsOf(body: string): TrackError[] {
  try {
    const parsed = JSON.parse(body) as unknown;
    if (
      typeof parsed === 'object' &&
      parsed !== null &&
      Array.isArray((parsed as { errors?: unknown }).errors)
    ) {
      return (parsed as { errors: unknown[] }).errors.filter(
        (error): error is TrackError => typeof error === 'object' && error !== null,
      );
    }
  } catch {
    // Not JSON: the raw body is quoted instead.
  }
  return [];
}

function describe(error: TrackError): string {
  const field = typeof error.field === 'string' && error.field !== '' ? `${error.field}: ` : '';
  const message =
    typeof error.message === 'string' ? error.message : typeof error.reason === 'string' ? error.reason : '';
  return `${field}${message}`.trim();
}

function excerpt(body: string): string {
  const text = body.trim();
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}

function explain(body: string): string {
  const errors = errorsOf(body)
    .map(describe)
    .filter((text) => text !== '');
  if (errors.length > 0) return errors.join('; ');
  return excerpt(body) || 'no details in the response';
}

function partialBatch(body: string): string {
  const errors = errorsOf(body);
  const indices = [
    ...new Set(
      errors
        .map((error) => error.batch_index)
        .filter((index): index is number => typeof index === 'number' && Number.isInteger(index)),
    ),
  ].sort((a, b) => a - b);
  const details = errors
    .map((error) =>
      typeof error.batch_index === 'number' ? `[${error.batch_index}] ${describe(error)}` : describe(error),
    )
    .filter((text) => text !== '')
    .join('; ');
  const which =
    indices.length > 0
      ? `rejected batch item${indices.length === 1 ? '' : 's'} ${indices.join(', ')}`
      : 'rejected some batch items (the response did not say which)';
  return `Customer.io accepted part of the batch and ${which}${details ? `: ${details}` : ''}. The batch is not resent: the accepted items would be applied twice, and the rejected ones would fail again.`;
}

export function classifyCustomerioResponse(response: VendorResponse): ResponseVerdict {
  const status = response.statusCode;
  if (status === 207) return { kind: 'permanent', reason: partialBatch(response.body) };
  if (status >= 200 && status < 300) return { kind: 'success' };
  if (status === 408 || status === 429 || status >= 500) {
    return retryVerdict(retryAfterHeaderMs(response));
  }
  if (status >= 300 && status < 400) {
    const location = responseHeader(response, 'location');
    return {
      kind: 'permanent',
      reason: `Customer.io answered ${status} and redirected${location ? ` to ${location}` : ''}: the account is probably in the other data region; pick that region on the endpoint and send to its host`,
    };
  }
  if (status === 401) {
    return {
      kind: 'permanent',
      reason: `Customer.io rejected the credentials (401): check the Site ID and the Tracking API Key (Settings → Workspace Settings → API and webhook credentials), and the region. ${explain(response.body)}`,
    };
  }
  if (status === 400) {
    return { kind: 'permanent', reason: `Customer.io rejected the request (400): ${explain(response.body)}` };
  }
  return { kind: 'permanent', reason: `Customer.io answered ${status}: ${explain(response.body)}` };
}
