import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { N8N_MAX_BODY_BYTES } from './contract.ts';

/**
 * A stand-in for an n8n instance with active Webhook nodes, on 127.0.0.1:
 * - `POST /webhook/{path}` for a registered path: 200 `{"message":"Workflow was started"}`, recording the body;
 * - an unregistered path, the Test URL `/webhook-test/{path}`, or another method: 404
 *   `{"code":404,"message":"The requested webhook \"POST …\" is not registered.","hint":…}` as n8n answers;
 * - a body over the instance's limit (16 MiB by default, lower with `maxBodyBytes`): 413;
 * - a JSON content type with a body that does not parse: 400 **[unverified]**;
 * - past `rateLimitPerSecond` requests in a second: 429 with `Retry-After: 1` (n8n itself documents none; a reverse
 *   proxy in front of it may answer so).
 */

export interface N8nFakeOptions {
  /** The active webhook paths (what follows `/webhook/`). */
  webhooks: string[];
  maxBodyBytes?: number;
  rateLimitPerSecond?: number;
}

export interface N8nReceived {
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

export interface N8nRejected {
  method: string;
  path: string;
  statusCode: number;
  reason: string;
}

export interface N8nFake {
  url: string;
  readonly received: readonly N8nReceived[];
  readonly rejected: readonly N8nRejected[];
  reset(): void;
  close(): Promise<void>;
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  return Object.fromEntries(
    Object.entries(req.headers).map(([name, value]) => [
      name,
      Array.isArray(value) ? value.join(', ') : (value ?? ''),
    ]),
  );
}

export async function startN8nFake(options: N8nFakeOptions): Promise<N8nFake> {
  const maxBodyBytes = Math.min(options.maxBodyBytes ?? N8N_MAX_BODY_BYTES, N8N_MAX_BODY_BYTES);
  const received: N8nReceived[] = [];
  const rejected: N8nRejected[] = [];
  let windowStart = 0;
  let windowCount = 0;

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let overflow = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) overflow = true;
      else chunks.push(chunk);
    });
    req.on('end', () => {
      const method = req.method ?? 'GET';
      const path = new URL(req.url ?? '/', 'http://fake').pathname;
      const reply = (
        statusCode: number,
        body: unknown,
        reason?: string,
        headers: Record<string, string> = {},
      ) => {
        if (reason !== undefined) rejected.push({ method, path, statusCode, reason });
        res.writeHead(statusCode, { 'content-type': 'application/json; charset=utf-8', ...headers });
        res.end(JSON.stringify(body));
      };
      const match = /^\/webhook\/(.+)$/.exec(path);
      const hook = match?.[1];
      if (method !== 'POST' || hook === undefined || !options.webhooks.includes(hook)) {
        const name = hook ?? path.replace(/^\/(webhook-test|webhook)\//, '');
        return reply(
          404,
          {
            code: 404,
            message: `The requested webhook "${method} ${name}" is not registered.`,
            hint: 'The workflow must be active for a production URL to run successfully.',
          },
          'webhook not registered',
        );
      }
      if (options.rateLimitPerSecond !== undefined) {
        const now = Date.now();
        if (now - windowStart >= 1000) {
          windowStart = now;
          windowCount = 0;
        }
        windowCount += 1;
        if (windowCount > options.rateLimitPerSecond) {
          return reply(429, { code: 429, message: 'Too Many Requests' }, 'rate limited', {
            'retry-after': '1',
          });
        }
      }
      if (overflow) {
        return reply(413, { code: 413, message: 'request entity too large' }, 'body too large');
      }
      const raw = Buffer.concat(chunks).toString('utf8');
      const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      let body: unknown = raw;
      if (type === 'application/json') {
        try {
          body = JSON.parse(raw);
        } catch {
          return reply(400, { code: 400, message: 'Unexpected token in JSON' }, 'invalid JSON');
        }
      }
      received.push({ path, headers: flatHeaders(req), body });
      return reply(200, { message: 'Workflow was started' });
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
    rejected,
    reset() {
      received.length = 0;
      rejected.length = 0;
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      });
    },
  };
}
