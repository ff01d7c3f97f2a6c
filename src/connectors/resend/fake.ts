import { randomUUID } from 'node:crypto';
import { bearerToken } from '../authorization-header.ts';
import { type FakeReply, type FakeServer, startFakeServer } from '../fake-server.ts';
import { RateWindow } from '../rate-window.ts';
import { BATCH_PATH, bodyProblems, EMAILS_PATH, idempotencyKeyProblem, MAX_BODY_BYTES } from './contract.ts';

/**
 * A stand-in for Resend's API (destinations.md §4c) on 127.0.0.1, for tests. It refuses what Resend refuses:
 * no User-Agent (403, error code 1010), a missing key (401 `missing_api_key`), an unknown key (403
 * `invalid_api_key`), wrong paths and methods, invalid emails (422 `validation_error`), bodies over 40 MB, a bad
 * `Idempotency-Key` (400 `invalid_idempotency_key`), and more than `rateLimitPerSecond` requests a second (429
 * `rate_limit_exceeded` with the `ratelimit-*` and `retry-after` headers). A repeated `Idempotency-Key` gets the
 * original response and sends nothing.
 */

export interface ResendFakeOptions {
  /** Keys that exist; any other gets 403. */
  apiKeys: string[];
  /** Requests per second (a sliding one-second window) before 429; Resend's default is 5. Unlimited when absent. */
  rateLimitPerSecond?: number;
}

/** An email Resend would send. */
export interface SentEmail {
  id: string;
  path: string;
  apiKey: string;
  idempotencyKey: string | undefined;
  /** Headers, names in lower case. */
  headers: Record<string, string>;
  body: unknown;
}

export interface ResendFake extends FakeServer {
  /** Every accepted `POST /emails` or `/emails/batch` request, once. */
  received: SentEmail[];
}

function error(
  statusCode: number,
  name: string,
  message: string,
  headers?: Record<string, string>,
): FakeReply {
  return {
    statusCode,
    body: { statusCode, message, name },
    reason: message,
    ...(headers ? { headers } : {}),
  };
}

export async function startResendFake(options: ResendFakeOptions): Promise<ResendFake> {
  const received: SentEmail[] = [];
  const replayed = new Map<string, FakeReply>();
  const rate = new RateWindow(options.rateLimitPerSecond, 1000);

  const server = await startFakeServer({
    maxBodyBytes: MAX_BODY_BYTES,
    contentType: 'application/json',
    state: [received, replayed, rate],
    handle(request) {
      const { method, path, headers } = request;
      if (!headers['user-agent']) {
        return {
          statusCode: 403,
          body: 'error code: 1010',
          headers: { 'content-type': 'text/plain' },
          reason: 'error code: 1010',
        };
      }
      if (!headers.authorization) {
        return error(401, 'missing_api_key', 'Missing API key in the authorization header.');
      }
      const apiKey = bearerToken(headers.authorization);
      if (apiKey === undefined || !options.apiKeys.includes(apiKey)) {
        return error(403, 'invalid_api_key', 'API key is invalid');
      }
      if (!rate.admit().admitted) {
        return error(
          429,
          'rate_limit_exceeded',
          'Too many requests. You can only make 5 requests per second.',
          {
            'ratelimit-limit': String(options.rateLimitPerSecond),
            'ratelimit-remaining': '0',
            'ratelimit-reset': '1',
            'retry-after': '1',
          },
        );
      }
      const scripted = request.scripted();
      if (scripted) return scripted;
      if (path !== EMAILS_PATH && path !== BATCH_PATH) {
        return error(404, 'not_found', 'The requested endpoint does not exist.');
      }
      if (method !== 'POST')
        return error(405, 'method_not_allowed', 'Method is not allowed for the requested path.');
      const idempotencyKey = headers['idempotency-key'];
      const keyProblem = idempotencyKeyProblem(idempotencyKey);
      if (keyProblem) return error(400, 'invalid_idempotency_key', keyProblem);
      if (request.tooLarge) return error(413, 'validation_error', 'The request body is larger than 40 MB.');
      if (request.mediaType !== 'application/json') {
        return error(400, 'validation_error', 'Invalid `Content-Type` header: use application/json.');
      }
      const body = request.json(() => error(400, 'validation_error', 'The body is not valid JSON.'));
      const replayKey =
        idempotencyKey === undefined ? undefined : `${apiKey}\u0000${path}\u0000${idempotencyKey}`;
      const earlier = replayKey === undefined ? undefined : replayed.get(replayKey);
      if (earlier) return earlier;
      const problems = bodyProblems(path, body);
      if (problems.length > 0) {
        return error(422, 'validation_error', problems.map((p) => `${p.field}: ${p.message}`).join('; '));
      }
      const id = randomUUID();
      received.push({ id, path, apiKey, idempotencyKey, headers, body });
      const reply: FakeReply =
        path === BATCH_PATH
          ? { statusCode: 200, body: { data: (body as unknown[]).map(() => ({ id: randomUUID() })) } }
          : { statusCode: 200, body: { id } };
      if (replayKey !== undefined) replayed.set(replayKey, reply);
      return reply;
    },
  });
  return Object.assign(server, { received });
}
