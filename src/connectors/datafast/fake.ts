import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BODY_MAX_BYTES, PAYMENTS_PATH, paymentProblems } from './contract.ts';

/** One payment the fake DataFast API recorded. */
export interface AcceptedCall {
  path: string;
  apiKey: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export interface ScriptedResponse {
  statusCode: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface DatafastFake {
  url: string;
  /** Payments recorded, once per transaction_id. */
  received: AcceptedCall[];
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

export interface DatafastFakeOptions {
  apiKeys: string[];
  /** The older DataFast page made `datafast_visitor_id` required; set this to emulate it. */
  requireVisitorId?: boolean;
  /** DataFast publishes no rate limit [unverified]; when set, requests past it in one second get 429. */
  rateLimitPerSecond?: number;
}

interface Reply {
  statusCode: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** DataFast's error body is not in the reference [unverified]; the fake answers `{status: "error", error}`. */
const fail = (statusCode: number, message: string, headers?: Record<string, string>): Reply => ({
  statusCode,
  body: { status: 'error', error: { code: statusCode, message } },
  ...(headers ? { headers } : {}),
});

/**
 * A stand-in for `datafa.st/api/v1/payments` on 127.0.0.1: Bearer keys, the payment contract of `contract.ts`
 * (400 on a malformed payment), and idempotency by `transaction_id` (a repeat answers 200 without recording twice).
 */
export async function startDatafastFake(options: DatafastFakeOptions): Promise<DatafastFake> {
  const received: AcceptedCall[] = [];
  const requests: DatafastFake['requests'] = [];
  const scripted: ScriptedResponse[] = [];
  const transactions = new Set<string>();
  let window = { second: 0, count: 0 };

  function handle(method: string, path: string, headers: Record<string, string>, raw: Buffer): Reply {
    const apiKey = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '')?.[1];
    if (!apiKey || !options.apiKeys.includes(apiKey)) return fail(401, 'Invalid API key');
    const next = scripted.shift();
    if (next) return { statusCode: next.statusCode, body: next.body ?? '', headers: next.headers ?? {} };
    if (options.rateLimitPerSecond !== undefined) {
      const second = Math.floor(Date.now() / 1000);
      if (window.second !== second) window = { second, count: 0 };
      if (++window.count > options.rateLimitPerSecond)
        return fail(429, 'Too many requests', { 'retry-after': '1' });
    }
    if (path !== PAYMENTS_PATH) return fail(404, `Not found: ${path}`);
    if (method !== 'POST') return fail(405, `${method} is not allowed; use POST`);
    if (raw.length > BODY_MAX_BYTES) return fail(413, 'Request body too large');
    if (!/^application\/json\s*(;|$)/i.test(headers['content-type'] ?? '')) {
      return fail(400, 'Content-Type must be application/json');
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return fail(400, 'Invalid JSON body');
    }
    const problems = paymentProblems(body, { requireVisitorId: options.requireVisitorId ?? false });
    if (problems.length > 0) {
      return fail(400, problems.map((p) => (p.field ? `${p.field}: ${p.message}` : p.message)).join('; '));
    }
    const payment = body as Record<string, unknown>;
    const transactionId = String(payment.transaction_id);
    const key = `${apiKey}\u0000${transactionId}`;
    if (transactions.has(key)) {
      return {
        statusCode: 200,
        body: {
          message: 'Payment already recorded (duplicate transaction_id)',
          transaction_id: transactionId,
        },
      };
    }
    transactions.add(key);
    received.push({ path, apiKey, headers, body: payment });
    return {
      statusCode: 200,
      body: { message: 'Payment recorded successfully', transaction_id: transactionId },
    };
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
      transactions.clear();
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
