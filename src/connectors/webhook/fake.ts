import { createHmac, timingSafeEqual } from 'node:crypto';
import { type FakeReply, type FakeServer, startFakeServer } from '../fake-server.ts';
import { RateWindow } from '../rate-window.ts';

/**
 * A Standard Webhooks receiver on 127.0.0.1 (`standard-webhooks/standard-webhooks:spec/standard-webhooks.md`),
 * verifying as the spec and the `standardwebhooks` library do:
 * - `webhook-id`, `webhook-timestamp` and `webhook-signature` present, else 400;
 * - the timestamp within ±`toleranceSeconds` (300, the library's 5 minutes) of now, else 401;
 * - a `v1,<base64 HMAC-SHA256(id.timestamp.body)>` entry of the space-separated signature list matching one of
 *   the secrets (constant-time), else 401 (other versions, like `v1a`, are ignored as the library does);
 * - POST (else 405), `Content-Type: application/json` (else 415), a JSON body (else 400), at most
 *   `maxBodyBytes` (else 413); optionally a rate limit answered 429 with `Retry-After` (s).
 * An already-seen `webhook-id` is answered 200 and not recorded again: the spec's idempotency key.
 */

export interface ReceivedWebhook {
  id: string;
  timestamp: number;
  path: string;
  headers: Record<string, string>;
  /** The raw body, exactly as signed. */
  body: string;
  payload: unknown;
  receivedAt: number;
}

export interface WebhookReceiverFake extends FakeServer {
  /** Verified deliveries, one per webhook-id, in arrival order. */
  readonly received: readonly ReceivedWebhook[];
  /** Trusts another signing secret (e.g. one read from the API after the endpoint was made). */
  addSecret(secret: string): void;
}

export interface WebhookReceiverFakeOptions {
  /** `whsec_<base64>` (or bare base64) secrets; any one may sign. */
  secrets?: string[];
  toleranceSeconds?: number;
  /** Largest body accepted; 256 KiB unless set. */
  maxBodyBytes?: number;
  rateLimit?: { requests: number; windowMs: number };
}

function keyOf(secret: string): Buffer {
  return Buffer.from(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret, 'base64');
}

/** Why the signature does not hold, or undefined when it does. */
export function signatureProblem(
  keys: Buffer[],
  id: string,
  timestamp: string,
  signatures: string,
  body: string,
  toleranceSeconds: number,
  now: number = Date.now(),
): string | undefined {
  if (!/^\d+$/.test(timestamp)) return 'invalid webhook-timestamp';
  const drift = Math.abs(Math.floor(now / 1000) - Number(timestamp));
  if (drift > toleranceSeconds) return 'message timestamp too old or too new';
  const content = `${id}.${timestamp}.${body}`;
  const expected = keys.map((key) => createHmac('sha256', key).update(content).digest());
  for (const entry of signatures.split(' ')) {
    const [version, signature] = entry.split(',');
    if (version !== 'v1' || signature === undefined) continue;
    const given = Buffer.from(signature, 'base64');
    if (expected.some((mac) => mac.length === given.length && timingSafeEqual(mac, given))) return undefined;
  }
  return 'no matching signature found';
}

function refusal(statusCode: number, error: string, extra: Record<string, unknown> = {}): FakeReply {
  return { statusCode, body: { error, ...extra }, reason: error };
}

export async function startWebhookReceiverFake(
  options: WebhookReceiverFakeOptions = {},
): Promise<WebhookReceiverFake> {
  const keys = (options.secrets ?? []).map(keyOf);
  const tolerance = options.toleranceSeconds ?? 300;
  const maxBodyBytes = options.maxBodyBytes ?? 256 * 1024;
  const received: ReceivedWebhook[] = [];
  const seen = new Set<string>();
  const rate = new RateWindow(options.rateLimit?.requests, options.rateLimit?.windowMs ?? 0);

  const server = await startFakeServer({
    maxBodyBytes,
    contentType: 'application/json',
    state: [received, seen, rate],
    handle(request) {
      const { url, headers } = request;
      if (request.method !== 'POST')
        return { ...refusal(405, 'method not allowed'), headers: { allow: 'POST' } };
      if (request.tooLarge) return refusal(413, 'payload too large', { limit: maxBodyBytes });
      const id = headers['webhook-id'];
      const timestamp = headers['webhook-timestamp'];
      const signature = headers['webhook-signature'];
      if (!id || !timestamp || !signature) return refusal(400, 'missing required headers');
      const body = request.body.toString('utf8');
      const problem = signatureProblem(keys, id, timestamp, signature, body, tolerance);
      if (problem) return refusal(401, problem);
      const admitted = rate.admit();
      if (!admitted.admitted) {
        const wait = Math.max(1, Math.ceil(admitted.resetMs / 1000));
        return { ...refusal(429, 'rate limited'), headers: { 'retry-after': String(wait) } };
      }
      const scripted = request.scripted();
      if (scripted) return scripted;
      if (request.mediaType !== 'application/json') return refusal(415, 'expected application/json');
      const payload = request.json(() => refusal(400, 'invalid JSON'));
      if (seen.has(id)) return { statusCode: 200, body: { ok: true, duplicate: true } };
      seen.add(id);
      received.push({
        id,
        timestamp: Number(timestamp),
        path: `${url.pathname}${url.search}`,
        headers,
        body,
        payload,
        receivedAt: Date.now(),
      });
      return { statusCode: 200, body: { ok: true } };
    },
  });
  return Object.assign(server, {
    received,
    addSecret(secret: string) {
      keys.push(keyOf(secret));
    },
  });
}
