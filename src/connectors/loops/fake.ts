import { bearerToken } from '../authorization-header.ts';
import { type FakeReply, type FakeServer, startFakeServer } from '../fake-server.ts';
import { RateWindow } from '../rate-window.ts';
import { BODY_MAX_BYTES, IDEMPOTENCY_KEY_MAX_CHARS, problemsFor } from './contract.ts';

/** One request the fake Loops API accepted. */
export interface AcceptedCall {
  path: string;
  apiKey: string;
  idempotencyKey: string | undefined;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export interface LoopsFake extends FakeServer {
  /** What was accepted, in order. */
  received: AcceptedCall[];
}

export interface LoopsFakeOptions {
  apiKeys: string[];
  /** Loops allows 10 requests a second per team (destinations.md §4e). */
  rateLimitPerSecond?: number;
}

const fail = (statusCode: number, message: string): FakeReply => ({
  statusCode,
  body: { success: false, message },
  reason: message,
});

/**
 * A stand-in for Loops' API on 127.0.0.1: Bearer keys, `POST /api/v1/events/send` and `/api/v1/transactional`
 * with the contract of `contract.ts`, `{success:false,message}` errors, `Idempotency-Key` (a repeat gets 409
 * "Idempotency key already used"), and 10 req/s per team with `x-ratelimit-*` headers and 429.
 */
export async function startLoopsFake(options: LoopsFakeOptions): Promise<LoopsFake> {
  const limit = options.rateLimitPerSecond ?? 10;
  const received: AcceptedCall[] = [];
  const usedKeys = new Set<string>();
  const rate = new RateWindow(limit, 1000);

  const server = await startFakeServer({
    maxBodyBytes: BODY_MAX_BYTES,
    contentType: 'application/json',
    state: [received, usedKeys, rate],
    handle(request) {
      const { method, path, headers } = request;
      const apiKey = bearerToken(headers.authorization);
      if (!apiKey || !options.apiKeys.includes(apiKey)) return fail(401, 'Invalid API key');
      const scripted = request.scripted();
      if (scripted) return scripted;
      const admitted = rate.admit();
      // Loops reports the team's budget on every answer past the key check.
      request.replyHeaders['x-ratelimit-limit'] = String(limit);
      request.replyHeaders['x-ratelimit-remaining'] = String(admitted.remaining);
      if (!admitted.admitted) return fail(429, 'Rate limit exceeded');
      if (method !== 'POST') return fail(405, `${method} is not allowed; use POST`);
      if (request.tooLarge) return fail(413, 'Request body too large');
      if (request.mediaType !== 'application/json') {
        return fail(400, 'Content-Type must be application/json');
      }
      const body = request.json(() => fail(400, 'Invalid JSON body'));
      const problems = problemsFor(path, body);
      if (!problems) return fail(404, `Route not found: ${path}`);
      if (problems.length > 0) {
        return fail(400, problems.map((p) => (p.field ? `${p.field}: ${p.message}` : p.message)).join('; '));
      }
      const idempotencyKey = headers['idempotency-key'];
      if (idempotencyKey !== undefined) {
        if (idempotencyKey.length === 0 || idempotencyKey.length > IDEMPOTENCY_KEY_MAX_CHARS) {
          return fail(400, `Idempotency-Key must be at most ${IDEMPOTENCY_KEY_MAX_CHARS} characters`);
        }
        const scoped = `${apiKey}\u0000${idempotencyKey}`;
        if (usedKeys.has(scoped)) {
          return fail(409, 'Idempotency key already used in the last 24 hours');
        }
        usedKeys.add(scoped);
      }
      received.push({ path, apiKey, idempotencyKey, headers, body: body as Record<string, unknown> });
      return { statusCode: 200, body: { success: true } };
    },
  });
  return Object.assign(server, { received });
}
