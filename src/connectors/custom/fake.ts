import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for a merchant's own JSON API on 127.0.0.1: the destination of the custom connector.
 * It enforces what such an API would:
 * - the configured authentication: `Authorization: Basic base64(user:pass)`, `Authorization: Bearer <token>`,
 *   or a named header with its value; anything else is 401 `{"error":"unauthorized"}` (with
 *   `WWW-Authenticate` for Basic and Bearer);
 * - POST, PUT or PATCH (else 405), `Content-Type: application/json` (else 415), a JSON body (else 400),
 *   at most `maxBodyBytes` (else 413);
 * - optionally a rate limit: past `rateLimit.requests` in `rateLimit.windowMs`, 429 with `Retry-After` (s).
 * It records every accepted request. It never accepts what it was configured to refuse.
 */

export type CustomApiAuth =
  | { scheme: 'basic'; username: string; password: string }
  | { scheme: 'bearer'; token: string }
  | { scheme: 'header'; headerName: string; headerValue: string };

export interface CustomApiRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
  receivedAt: number;
}

export interface CustomApiScriptedResponse {
  statusCode: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface CustomApiFake {
  url: string;
  /** Accepted requests, in arrival order. */
  readonly received: readonly CustomApiRequest[];
  /** Status codes of every request, accepted or not, in arrival order. */
  readonly statuses: readonly number[];
  /** Answers the next authenticated requests with these responses instead, in order. */
  respondWith(...responses: CustomApiScriptedResponse[]): void;
  reset(): void;
  close(): Promise<void>;
}

export interface CustomApiFakeOptions {
  auth: CustomApiAuth;
  /** Largest body accepted; 256 KiB unless set. */
  maxBodyBytes?: number;
  rateLimit?: { requests: number; windowMs: number };
}

const METHODS = new Set(['POST', 'PUT', 'PATCH']);

function same(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

function authorized(auth: CustomApiAuth, headers: IncomingMessage['headers']): boolean {
  if (auth.scheme === 'header') {
    const value = headers[auth.headerName.toLowerCase()];
    return typeof value === 'string' && same(value, auth.headerValue);
  }
  const authorization = headers.authorization ?? '';
  if (auth.scheme === 'bearer') {
    const match = /^Bearer (.+)$/.exec(authorization);
    return match !== null && same(match[1]!, auth.token);
  }
  const match = /^Basic ([A-Za-z0-9+/]+=*)$/.exec(authorization);
  if (!match) return false;
  return same(Buffer.from(match[1]!, 'base64').toString('utf8'), `${auth.username}:${auth.password}`);
}

export async function startCustomApiFake(options: CustomApiFakeOptions): Promise<CustomApiFake> {
  const maxBodyBytes = options.maxBodyBytes ?? 256 * 1024;
  const received: CustomApiRequest[] = [];
  const statuses: number[] = [];
  const scripted: CustomApiScriptedResponse[] = [];
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
      if (!authorized(options.auth, req.headers)) {
        const challenge: Record<string, string> =
          options.auth.scheme === 'basic'
            ? { 'www-authenticate': 'Basic realm="api"' }
            : options.auth.scheme === 'bearer'
              ? { 'www-authenticate': 'Bearer realm="api"' }
              : {};
        return reply(401, { error: 'unauthorized' }, challenge);
      }
      if (options.rateLimit) {
        const now = Date.now();
        window = window.filter((at) => now - at < options.rateLimit!.windowMs);
        if (window.length >= options.rateLimit.requests) {
          const wait = Math.ceil((options.rateLimit.windowMs - (now - window[0]!)) / 1000);
          return reply(429, { error: 'rate_limited' }, { 'retry-after': String(Math.max(1, wait)) });
        }
        window.push(now);
      }
      const next = scripted.shift();
      if (next) return reply(next.statusCode, next.body ?? '', next.headers ?? {});
      const method = req.method ?? '';
      if (!METHODS.has(method)) {
        return reply(405, { error: 'method_not_allowed' }, { allow: 'POST, PUT, PATCH' });
      }
      if (tooLarge) return reply(413, { error: 'payload_too_large', limit: maxBodyBytes });
      const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (contentType !== 'application/json') {
        return reply(415, { error: 'unsupported_media_type', expected: 'application/json' });
      }
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return reply(400, { error: 'invalid_json' });
      }
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === 'string') headers[name] = value;
        else if (Array.isArray(value)) headers[name] = value.join(', ');
      }
      received.push({ method, path: req.url ?? '/', headers, body, receivedAt: Date.now() });
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
    reset() {
      received.length = 0;
      statuses.length = 0;
      scripted.length = 0;
      window = [];
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
