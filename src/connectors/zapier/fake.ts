import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
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

export interface ZapierRejection {
  method: string;
  path: string;
  statusCode: number;
  reason: string;
}

export interface ZapierFake {
  url: string;
  received: ZapierRequest[];
  rejected: ZapierRejection[];
  close(): Promise<void>;
}

function normalize(path: string): string {
  return path.endsWith('/') ? path : `${path}/`;
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

export async function startZapierFake(options: ZapierFakeOptions): Promise<ZapierFake> {
  const received: ZapierRequest[] = [];
  const rejected: ZapierRejection[] = [];
  const hooks = new Set(options.hooks.map(normalize));
  const sent = new Map<string, number[]>();

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const json = (
      statusCode: number,
      body: Record<string, unknown>,
      headers: Record<string, string> = {},
    ) => {
      if (statusCode >= 300)
        rejected.push({ method, path, statusCode, reason: String(body.message ?? body.status) });
      res.writeHead(statusCode, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    if (!ZAPIER_PATH.test(path) || !hooks.has(normalize(path))) {
      return json(404, { status: 'error', message: 'Not found' });
    }
    if (!['POST', 'PUT', 'GET'].includes(method))
      return json(405, { status: 'error', message: 'Method not allowed' });
    if (options.rateLimit) {
      const now = Date.now();
      const { max, windowMs } = options.rateLimit;
      const key = normalize(path);
      const recent = (sent.get(key) ?? []).filter((at) => now - at < windowMs);
      if (recent.length >= max) {
        sent.set(key, recent);
        const wait = Math.max(1, Math.ceil((windowMs - (now - recent[0]!)) / 1000));
        return json(429, { status: 'error', message: 'Too many requests' }, { 'retry-after': String(wait) });
      }
      sent.set(key, [...recent, now]);
    }
    let body: unknown;
    if (method === 'GET') {
      body = Object.fromEntries(url.searchParams);
    } else {
      const raw = await readBody(req);
      if (raw === undefined) return json(413, { status: 'error', message: 'Request entity too large' });
      const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      const text = raw.toString('utf8');
      if (type === 'application/x-www-form-urlencoded') {
        body = Object.fromEntries(new URLSearchParams(text));
      } else {
        try {
          body = JSON.parse(text);
        } catch {
          return json(400, { status: 'error', message: 'Could not parse the request body' });
        }
      }
    }
    if (zapierPayloadProblems(body).length > 0) {
      return json(400, { status: 'error', message: 'The body must be a JSON object' });
    }
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string') headers[name] = value;
    }
    const requestId = randomUUID();
    received.push({ method, path, headers, body: body as Record<string, unknown>, requestId });
    return json(200, { attempt: randomUUID(), id: randomUUID(), request_id: requestId, status: 'success' });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"status":"error"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    rejected,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
