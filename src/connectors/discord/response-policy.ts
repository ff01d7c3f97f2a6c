import type { ResponseVerdict, VendorResponse } from '../connector.ts';
import { responseHeader, retryVerdict } from '../vendor-response.ts';

/**
 * How Discord's answer to Execute Webhook counts (shared/reference/destinations.md §3b):
 * - 200 (with `?wait=true`) and 204: success.
 * - 404 (`Unknown Webhook`, 10015): the webhook was deleted: gone, stop using it.
 * - 429: retry after the body's `retry_after` (seconds, a float), else `X-RateLimit-Reset-After`, else
 *   `Retry-After`. 5xx and 408: retry.
 * - 400 (`Invalid Form Body` 50035, empty message 50006), 401 (`Invalid Webhook Token`), 403 and the rest:
 *   permanent. Many 401/403/429 answers from one IP earn a Cloudflare ban, one more reason not to retry them.
 */

function seconds(value: unknown): number | undefined {
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && value.trim() !== ''
        ? Number(value)
        : Number.NaN;
  return Number.isFinite(n) && n >= 0 ? Math.ceil(n * 1000) : undefined;
}

function parsed(body: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(body) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** How long Discord asked to wait, in milliseconds. */
export function discordRetryAfterMs(response: VendorResponse): number | undefined {
  return (
    seconds(parsed(response.body)?.retry_after) ??
    seconds(responseHeader(response, 'x-ratelimit-reset-after')) ??
    seconds(responseHeader(response, 'retry-after'))
  );
}

/** `Invalid Form Body (50035): embeds.0.title: Must be 256 or fewer in length.` from Discord's error JSON. */
function explain(body: string): string {
  const error = parsed(body);
  if (!error) {
    const text = body.trim().replace(/\s+/g, ' ');
    return text === '' ? 'no details in the response' : text.length > 200 ? `${text.slice(0, 197)}...` : text;
  }
  const head = `${typeof error.message === 'string' ? error.message : 'error'}${error.code !== undefined ? ` (${String(error.code)})` : ''}`;
  const details: string[] = [];
  const walk = (node: unknown, path: string) => {
    if (typeof node !== 'object' || node === null) return;
    const errors = (node as { _errors?: unknown })._errors;
    if (Array.isArray(errors)) {
      for (const item of errors) {
        const message = (item as { message?: unknown }).message;
        if (typeof message === 'string') details.push(`${path}: ${message}`);
      }
    }
    for (const [key, child] of Object.entries(node)) {
      if (key !== '_errors') walk(child, path ? `${path}.${key}` : key);
    }
  };
  walk(error.errors, '');
  return details.length > 0 ? `${head}: ${details.slice(0, 10).join('; ')}` : head;
}

export function classifyDiscordResponse(response: VendorResponse): ResponseVerdict {
  const status = response.statusCode;
  if (status >= 200 && status < 300) return { kind: 'success' };
  if (status === 404) {
    return {
      kind: 'gone',
      reason: `Discord says the webhook no longer exists (404 ${explain(response.body)}): it was deleted from the channel. Create a new webhook in Discord and paste its URL on the card`,
    };
  }
  if (status === 429 || status === 408 || status >= 500) {
    return retryVerdict(discordRetryAfterMs(response));
  }
  if (status === 401 || status === 403) {
    return {
      kind: 'permanent',
      reason: `Discord refused the webhook's token (${status} ${explain(response.body)}): copy the whole Webhook URL again from the channel's Integrations settings and paste it on the card`,
    };
  }
  return { kind: 'permanent', reason: `Discord refused the message (${status} ${explain(response.body)})` };
}
