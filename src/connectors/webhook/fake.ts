import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

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

export interface WebhookScriptedResponse {
  statusCode: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface WebhookReceiverFake {
  url: string;
  /** Verified deliveries, one per webhook-id, in arrival order. */
  readonly received: readonly ReceivedWebhook[];
  /** Status codes of every request, in arrival order. */
  readonly statuses: readonly number[];
  /** Answers the next verified requests with these responses instead, in order (nothing is recorded). */
  respondWith(...responses: WebhookScriptedResponse[]): void;
  /** Trusts another signing secret (e.g. one read from the API after the endpoint was made). */
  addSecret(secret: string): void;
  reset(): void;
  close(): Promise<void>;
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

function single(headers: IncomingMessage['headers'], name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' ? value : undefined;
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

export async function startWebhookReceiverFake(
  options: WebhookReceiverFakeOptions = {},
): Promise<WebhookReceiverFake> {
  const keys = (options.secrets ?? []).map(keyOf);
  const tolerance = options.toleranceSeconds ?? 300;
  const maxBodyBytes = options.maxBodyBytes ?? 256 * 1024;
  const received: ReceivedWebhook[] = [];
  const statuses: number[] = [];
  const scripted: WebhookScriptedResponse[] = [];
  const seen = new Set<string>();
  let window: number[] = [];

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on('end', () => {
      const reply = (statusCode: number, body: unknown, headers: Record<string, string> = {}) => {
        statuses.push(statusCode);
        const text = typeof body === 'string' ? body : JSON.stringify(body);
        res.writeHead(statusCode, { 'content-type': 'application/json', ...headers }).end(text);
      };
      if ((req.method ?? '') !== 'POST')
        return reply(405, { error: 'method not allowed' }, { allow: 'POST' });
      if (tooLarge) return reply(413, { error: 'payload too large', limit: maxBodyBytes });
      const id = single(req.headers, 'webhook-id');
      const timestamp = single(req.headers, 'webhook-timestamp');
      const signature = single(req.headers, 'webhook-signature');
      if (!id || !timestamp || !signature) return reply(400, { error: 'missing required headers' });
      const body = Buffer.concat(chunks).toString('utf8');
      const problem = signatureProblem(keys, id, timestamp, signature, body, tolerance);
      if (problem) return reply(401, { error: problem });
      if (options.rateLimit) {
        const now = Date.now();
        window = window.filter((at) => now - at < options.rateLimit!.windowMs);
        if (window.length >= options.rateLimit.requests) {
          const wait = Math.ceil((options.rateLimit.windowMs - (now - window[0]!)) / 1000);
          return reply(429, { error: 'rate limited' }, { 'retry-after': String(Math.max(1, wait)) });
        }
        window.push(now);
      }
      const next = scripted.shift();
      if (next) return reply(next.statusCode, next.body ?? '', next.headers ?? {});
      const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (contentType !== 'application/json') return reply(415, { error: 'expected application/json' });
      let payload: unknown;
      try {
        payload = JSON.parse(body);
      } catch {
        return reply(400, { error: 'invalid JSON' });
      }
      if (seen.has(id)) return reply(200, { ok: true, duplicate: true });
      seen.add(id);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === 'string') headers[name] = value;
        else if (Array.isArray(value)) headers[name] = value.join(', ');
      }
      received.push({
        id,
        timestamp: Number(timestamp),
        path: req.url ?? '/',
        headers,
        body,
        payload,
        receivedAt: Date.now(),
      });
      return reply(200, { ok: true });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    statuses,
    respondWith(...responses) {
      scripted.push(...responses);
    },
    addSecret(secret) {
      keys.push(keyOf(secret));
    },
    reset() {
      received.length = 0;
      statuses.length = 0;
      scripted.length = 0;
      seen.clear();
      window = [];
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
