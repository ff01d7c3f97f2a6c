import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BODY_MAX_BYTES, IDEMPOTENCY_KEY_MAX_CHARS, problemsFor } from './contract.ts';

/** One request the fake Loops API accepted. */
export interface AcceptedCall {
  path: string;
  apiKey: string;
  idempotencyKey: string | undefined;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export interface ScriptedResponse {
  statusCode: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface LoopsFake {
  url: string;
  /** What was accepted, in order. */
  received: AcceptedCall[];
  /** Every request with the status it got. */
  requests: {
    method: string;
    path: string;
    statusCode: number;
    headers: Record<string, string>;
    body: string;
  }[];
  respondWith(...responses: ScriptedResponse[]): void;
  reset(): void;
  close(): Promise<void>;
}

export interface LoopsFakeOptions {
  apiKeys: string[];
  /** Loops allows 10 requests a second per team (destinations.md §4e). */
  rateLimitPerSecond?: number;
}

interface Reply {
  statusCode: number;
  body: unknown;
  headers?: Record<string, string>;
}

const fail = (statusCode: number, message: string): Reply => ({
  statusCode,
  body: { success: false, message },
});

/**
 * A stand-in for Loops' API on 127.0.0.1: Bearer keys, `POST /api/v1/events/send` and `/api/v1/transactional`
 * with the contract of `contract.ts`, `{success:false,message}` errors, `Idempotency-Key` (a repeat gets 409
 * "Idempotency key already used"), and 10 req/s per team with `x-ratelimit-*` headers and 429.
 */
export async function startLoopsFake(options: LoopsFakeOptions): Promise<LoopsFake> {
  const limit = options.rateLimitPerSecond ?? 10;
  const received: AcceptedCall[] = [];
  const requests: LoopsFake['requests'] = [];
  const scripted: ScriptedResponse[] = [];
  const usedKeys = new Set<string>();
  let window = { second: 0, count: 0 };

  function handle(method: string, path: string, headers: Record<string, string>, raw: Buffer): Reply {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
    const apiKey = match?.[1];
    if (!apiKey || !options.apiKeys.includes(apiKey)) return fail(401, 'Invalid API key');
    const next = scripted.shift();
    if (next) return { statusCode: next.statusCode, body: next.body ?? '', headers: next.headers ?? {} };
    const second = Math.floor(Date.now() / 1000);
    if (window.second !== second) window = { second, count: 0 };
    window.count++;
    const rate = {
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': String(Math.max(0, limit - window.count)),
    };
    if (window.count > limit) return { ...fail(429, 'Rate limit exceeded'), headers: rate };
    const reply = (r: Reply): Reply => ({ ...r, headers: { ...rate, ...r.headers } });
    if (method !== 'POST') return reply(fail(405, `${method} is not allowed; use POST`));
    if (raw.length > BODY_MAX_BYTES) return reply(fail(413, 'Request body too large'));
    if (!/^application\/json\s*(;|$)/i.test(headers['content-type'] ?? '')) {
      return reply(fail(400, 'Content-Type must be application/json'));
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return reply(fail(400, 'Invalid JSON body'));
    }
    const problems = problemsFor(path, body);
    if (!problems) return reply(fail(404, `Route not found: ${path}`));
    if (problems.length > 0) {
      return reply(
        fail(400, problems.map((p) => (p.field ? `${p.field}: ${p.message}` : p.message)).join('; ')),
      );
    }
    const idempotencyKey = headers['idempotency-key'];
    if (idempotencyKey !== undefined) {
      if (idempotencyKey.length === 0 || idempotencyKey.length > IDEMPOTENCY_KEY_MAX_CHARS) {
        return reply(fail(400, `Idempotency-Key must be at most ${IDEMPOTENCY_KEY_MAX_CHARS} characters`));
      }
      const scoped = `${apiKey}\u0000${idempotencyKey}`;
      if (usedKeys.has(scoped)) {
        return reply(fail(409, 'Idempotency key already used in the last 24 hours'));
      }
      usedKeys.add(scoped);
    }
    received.push({ path, apiKey, idempotencyKey, headers, body: body as Record<string, unknown> });
    return reply({ statusCode: 200, body: { success: true } });
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size - chunk.length <= BODY_MAX_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const path = new URL(req.url ?? '/', 'http://fake').pathname;
      const method = req.method ?? 'GET';
      const headers = Object.fromEntries(
        Object.entries(req.headers).map(([name, value]) => [
          name,
          Array.isArray(value) ? value.join(', ') : (value ?? ''),
        ]),
      );
      const reply = handle(method, path, headers, raw);
      const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
      requests.push({ method, path, statusCode: reply.statusCode, headers, body: raw.toString('utf8') });
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
      usedKeys.clear();
      window = { second: 0, count: 0 };
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      });
    },
  };
}
