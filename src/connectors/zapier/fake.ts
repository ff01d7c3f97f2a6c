import { randomUUID } from 'node:crypto';
import { type FakeReply, type FakeServer, startFakeServer } from '../fake-server.ts';
import { RateWindow } from '../rate-window.ts';
import { MAX_BODY_BYTES, ZAPIER_PATH, zapierPayloadProblems } from './contract.ts';

/**
 * A stand-in for a "Webhooks by Zapier" Catch Hook (shared/reference/destinations.md §3d) on 127.0.0.1, for
 * tests. It takes POST and PUT with a JSON object or a form body, and GET with query data; answers 200 with the
 * fixed success message (`{attempt, id, request_id, status: "success"}`, shape **[unverified]**); 404 for a hook
 * that does not exist and 413 over 2 MB (error bodies **[unverified]**; only the statuses are asserted on); 429 past
 * the rate (per hook, in a window) with `Retry-After`.
 */

export interface ZapierFakeOptions {
  /** Paths of the catch hooks that exist, `/hooks/catch/<userId>/<hookId>/` (the trailing slash is optional). */
  hooks: string[];
  /** Requests per hook per window before 429; unlimited when absent. */
  rateLimit?: { max: number; windowMs: number };
}

export interface ZapierRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** The fields the Zap sees. */
  body: Record<string, unknown>;
  requestId: string;
}

export interface ZapierFake extends FakeServer {
  received: ZapierRequest[];
}

function normalize(path: string): string {
  return path.endsWith('/') ? path : `${path}/`;
}

function error(statusCode: number, message: string, headers?: Record<string, string>): FakeReply {
  return { statusCode, body: { status: 'error', message }, reason: message, ...(headers ? { headers } : {}) };
}

export async function startZapierFake(options: ZapierFakeOptions): Promise<ZapierFake> {
  const received: ZapierRequest[] = [];
  const hooks = new Set(options.hooks.map(normalize));
  const rate = new RateWindow(options.rateLimit?.max, options.rateLimit?.windowMs ?? 0);

  const server = await startFakeServer({
    maxBodyBytes: MAX_BODY_BYTES,
    contentType: 'application/json',
    state: [received, rate],
    handle(request) {
      const { method, path } = request;
      if (!ZAPIER_PATH.test(path) || !hooks.has(normalize(path))) return error(404, 'Not found');
      if (!['POST', 'PUT', 'GET'].includes(method)) return error(405, 'Method not allowed');
      const admitted = rate.admit(normalize(path));
      if (!admitted.admitted) {
        const wait = Math.max(1, Math.ceil(admitted.resetMs / 1000));
        return error(429, 'Too many requests', { 'retry-after': String(wait) });
      }
      const scripted = request.scripted();
      if (scripted) return scripted;
      if (request.tooLarge) return error(413, 'Request entity too large');
      const body =
        method === 'GET'
          ? Object.fromEntries(request.url.searchParams)
          : request.mediaType === 'application/x-www-form-urlencoded'
            ? Object.fromEntries(new URLSearchParams(request.body.toString('utf8')))
            : request.json(() => error(400, 'Could not parse the request body'));
      if (zapierPayloadProblems(body).length > 0) return error(400, 'The body must be a JSON object');
      const requestId = randomUUID();
      received.push({
        method,
        path,
        headers: request.headers,
        body: body as Record<string, unknown>,
        requestId,
      });
      return {
        statusCode: 200,
        body: { attempt: randomUUID(), id: randomUUID(), request_id: requestId, status: 'success' },
      };
    },
  });
  return Object.assign(server, { received });
}
