import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
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

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
  statusCode: number;
}

export interface ScriptedResponse {
  statusCode: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface ResendFake {
  url: string;
  /** Every accepted `POST /emails` or `/emails/batch` request, once. */
  received: SentEmail[];
  requests: RecordedRequest[];
  /** Answers the next authenticated requests with these, in order. */
  respondWith(...responses: ScriptedResponse[]): void;
  reset(): void;
  close(): Promise<void>;
}

interface Reply {
  statusCode: number;
  body: unknown;
  headers?: Record<string, string>;
}

const READ_LIMIT = MAX_BODY_BYTES + 1024 * 1024;

function error(statusCode: number, name: string, message: string, headers?: Record<string, string>): Reply {
  return { statusCode, body: { statusCode, message, name }, ...(headers ? { headers } : {}) };
}

export async function startResendFake(options: ResendFakeOptions): Promise<ResendFake> {
  const received: SentEmail[] = [];
  const requests: RecordedRequest[] = [];
  const scripted: ScriptedResponse[] = [];
  const replayed = new Map<string, Reply>();
  const window: number[] = [];

  function handle(
    method: string,
    path: string,
    headers: Record<string, string>,
    raw: Buffer,
    overflow: boolean,
  ): Reply {
    if (!headers['user-agent']) {
      return { statusCode: 403, body: 'error code: 1010', headers: { 'content-type': 'text/plain' } };
    }
    const auth = headers.authorization;
    if (!auth) return error(401, 'missing_api_key', 'Missing API key in the authorization header.');
    const match = /^Bearer (\S+)$/.exec(auth);
    if (!match || !options.apiKeys.includes(match[1]!))
      return error(403, 'invalid_api_key', 'API key is invalid');
    const apiKey = match[1]!;
    if (options.rateLimitPerSecond !== undefined) {
      const now = Date.now();
      while (window.length > 0 && window[0]! <= now - 1000) window.shift();
      if (window.length >= options.rateLimitPerSecond) {
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
      window.push(now);
    }
    const next = scripted.shift();
    if (next) return { statusCode: next.statusCode, body: next.body ?? '', headers: next.headers ?? {} };
    if (path !== EMAILS_PATH && path !== BATCH_PATH)
      return error(404, 'not_found', 'The requested endpoint does not exist.');
    if (method !== 'POST')
      return error(405, 'method_not_allowed', 'Method is not allowed for the requested path.');
    const idempotencyKey = headers['idempotency-key'];
    const keyProblem = idempotencyKeyProblem(idempotencyKey);
    if (keyProblem) return error(400, 'invalid_idempotency_key', keyProblem);
    if (overflow) return error(413, 'validation_error', 'The request body is larger than 40 MB.');
    if (!/^application\/json\s*(;|$)/i.test(headers['content-type'] ?? '')) {
      return error(400, 'validation_error', 'Invalid `Content-Type` header: use application/json.');
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return error(400, 'validation_error', 'The body is not valid JSON.');
    }
    const replayKey =
      idempotencyKey === undefined ? undefined : `${apiKey}\u0000${path}\u0000${idempotencyKey}`;
    if (replayKey !== undefined) {
      const earlier = replayed.get(replayKey);
      if (earlier) return earlier;
    }
    const problems = bodyProblems(path, body);
    if (problems.length > 0) {
      return error(422, 'validation_error', problems.map((p) => `${p.field}: ${p.message}`).join('; '));
    }
    const id = randomUUID();
    received.push({ id, path, apiKey, idempotencyKey, headers, body });
    const reply: Reply =
      path === BATCH_PATH
        ? { statusCode: 200, body: { data: (body as unknown[]).map(() => ({ id: randomUUID() })) } }
        : { statusCode: 200, body: { id } };
    if (replayKey !== undefined) replayed.set(replayKey, reply);
    return reply;
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let overflow = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > READ_LIMIT || overflow) overflow = true;
      else chunks.push(chunk);
    });
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      overflow ||= size > MAX_BODY_BYTES;
      const path = new URL(req.url ?? '/', 'http://fake').pathname;
      const method = req.method ?? 'GET';
      const headers = Object.fromEntries(
        Object.entries(req.headers).map(([name, value]) => [
          name,
          Array.isArray(value) ? value.join(', ') : (value ?? ''),
        ]),
      );
      const reply = handle(method, path, headers, raw, overflow);
      const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
      requests.push({
        method,
        path,
        headers,
        body: overflow ? '' : raw.toString('utf8'),
        statusCode: reply.statusCode,
      });
      res.writeHead(reply.statusCode, { 'content-type': 'application/json', ...reply.headers });
      res.end(text);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    received,
    requests,
    respondWith(...responses) {
      scripted.push(...responses);
    },
    reset() {
      received.length = 0;
      requests.length = 0;
      scripted.length = 0;
      replayed.clear();
      window.length = 0;
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      });
    },
  };
}
