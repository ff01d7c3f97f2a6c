import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BODY_MAX_BYTES, SEND_PATHS, sendProblems } from './contract.ts';

/** One email the fake Keplars API queued. */
export interface AcceptedCall {
  path: string;
  apiKey: string;
  jobId: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export interface ScriptedResponse {
  statusCode: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface KeplarsFake {
  url: string;
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

export interface KeplarsFakeOptions {
  apiKeys: string[];
  /** Sender domains verified in the account; a `from` elsewhere gets 403. */
  verifiedDomains: string[];
  /** Active template ids; an unknown `template_id` gets 404 "Template not found". */
  templates?: string[];
  /** Keplars publishes no rate limit [unverified]; when set, requests past it in one second get 429. */
  rateLimitPerSecond?: number;
}

interface Reply {
  statusCode: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** Keplars' error body is not documented [unverified]; the fake answers `{success: false, error}`. */
const fail = (statusCode: number, error: string, headers?: Record<string, string>): Reply => ({
  statusCode,
  body: { success: false, error },
  ...(headers ? { headers } : {}),
});

/**
 * A stand-in for `api.keplars.com` on 127.0.0.1: Bearer keys, the `send-email/{priority}` routes with the contract
 * of `contract.ts` (400 on a malformed body), 403 for an unverified sender, 404 for an unknown template, and
 * `{success: true, data: {job_id}}` when the email is queued.
 */
export async function startKeplarsFake(options: KeplarsFakeOptions): Promise<KeplarsFake> {
  const received: AcceptedCall[] = [];
  const requests: KeplarsFake['requests'] = [];
  const scripted: ScriptedResponse[] = [];
  let window = { second: 0, count: 0 };

  function handle(method: string, path: string, headers: Record<string, string>, raw: Buffer): Reply {
    const apiKey = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '')?.[1];
    if (!apiKey || !options.apiKeys.includes(apiKey)) return fail(401, 'Invalid or missing API key');
    const next = scripted.shift();
    if (next) return { statusCode: next.statusCode, body: next.body ?? '', headers: next.headers ?? {} };
    if (options.rateLimitPerSecond !== undefined) {
      const second = Math.floor(Date.now() / 1000);
      if (window.second !== second) window = { second, count: 0 };
      if (++window.count > options.rateLimitPerSecond)
        return fail(429, 'Too many requests', { 'retry-after': '1' });
    }
    if (!(SEND_PATHS as readonly string[]).includes(path)) return fail(404, `Route not found: ${path}`);
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
    const problems = sendProblems(body);
    if (problems.length > 0) {
      return fail(400, problems.map((p) => (p.field ? `${p.field}: ${p.message}` : p.message)).join('; '));
    }
    const email = body as Record<string, unknown>;
    const domain = String(email.from).split('@')[1]?.toLowerCase();
    if (!domain || !options.verifiedDomains.map((d) => d.toLowerCase()).includes(domain)) {
      return fail(403, `Sender ${String(email.from)} is not on a verified domain`);
    }
    if (email.template_id !== undefined && !(options.templates ?? []).includes(String(email.template_id))) {
      return fail(404, 'Template not found');
    }
    const jobId = randomUUID();
    received.push({ path, apiKey, jobId, headers, body: email });
    return { statusCode: 200, body: { success: true, data: { job_id: jobId } } };
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
