import { timingSafeEqual } from 'node:crypto';
import { basicCredentials, bearerToken } from '../authorization-header.ts';
import { type FakeReply, type FakeServer, startFakeServer } from '../fake-server.ts';
import { RateWindow } from '../rate-window.ts';

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

export interface CustomApiFake extends FakeServer {
  /** Accepted requests, in arrival order. */
  readonly received: readonly CustomApiRequest[];
}

export interface CustomApiFakeOptions {
  auth: CustomApiAuth;
  /** Largest body accepted; 256 KiB unless set. */
  maxBodyBytes?: number;
  rateLimit?: { requests: number; windowMs: number };
}

const METHODS = new Set(['POST', 'PUT', 'PATCH']);

function same(a: string | undefined, b: string): boolean {
  if (a === undefined) return false;
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

function authorized(auth: CustomApiAuth, headers: Record<string, string>): boolean {
  if (auth.scheme === 'header') return same(headers[auth.headerName.toLowerCase()], auth.headerValue);
  if (auth.scheme === 'bearer') return same(bearerToken(headers.authorization), auth.token);
  const basic = basicCredentials(headers.authorization);
  return same(basic?.user, auth.username) && same(basic?.password, auth.password);
}

function refusal(statusCode: number, error: string, extra: Record<string, unknown> = {}): FakeReply {
  return { statusCode, body: { error, ...extra }, reason: error };
}

export async function startCustomApiFake(options: CustomApiFakeOptions): Promise<CustomApiFake> {
  const maxBodyBytes = options.maxBodyBytes ?? 256 * 1024;
  const received: CustomApiRequest[] = [];
  const rate = new RateWindow(options.rateLimit?.requests, options.rateLimit?.windowMs ?? 0);
  const challenge: Record<string, string> =
    options.auth.scheme === 'header'
      ? {}
      : { 'www-authenticate': `${options.auth.scheme === 'basic' ? 'Basic' : 'Bearer'} realm="api"` };

  const server = await startFakeServer({
    maxBodyBytes,
    contentType: 'application/json',
    state: [received, rate],
    handle(request) {
      const { method, url, headers } = request;
      if (!authorized(options.auth, headers)) return { ...refusal(401, 'unauthorized'), headers: challenge };
      const admitted = rate.admit();
      if (!admitted.admitted) {
        const wait = Math.max(1, Math.ceil(admitted.resetMs / 1000));
        return { ...refusal(429, 'rate_limited'), headers: { 'retry-after': String(wait) } };
      }
      const scripted = request.scripted();
      if (scripted) return scripted;
      if (!METHODS.has(method)) {
        return { ...refusal(405, 'method_not_allowed'), headers: { allow: 'POST, PUT, PATCH' } };
      }
      if (request.tooLarge) return refusal(413, 'payload_too_large', { limit: maxBodyBytes });
      if (request.mediaType !== 'application/json') {
        return refusal(415, 'unsupported_media_type', { expected: 'application/json' });
      }
      const body = request.json(() => refusal(400, 'invalid_json'));
      received.push({ method, path: `${url.pathname}${url.search}`, headers, body, receivedAt: Date.now() });
      return { statusCode: 200, body: { ok: true } };
    },
  });
  return Object.assign(server, { received });
}
