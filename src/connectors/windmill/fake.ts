import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isJsonObject, WINDMILL_MAX_BODY_BYTES, WINDMILL_PATH } from './contract.ts';

/**
 * A stand-in for a Windmill instance's webhooks on 127.0.0.1 (destinations.md §3f):
 * - `POST /api/w/{workspace}/jobs/run/{p|h|f}/{path}`: 201 with the job UUID as text;
 *   `POST …/jobs/run_wait_result/{p|h|f}/{path}`: 200 with the script's result (here, the arguments echoed);
 * - the token as `?token=` or `Authorization: Bearer`; missing or unknown: 401 `Unauthorized`;
 * - an unknown workspace or runnable: 404; a body that is not a JSON object: 400 **[unverified]**;
 * - over 2 MiB (or `maxBodyBytes`): 413 **[unverified]**;
 * - past `rateLimitPerSecond` in a second: 429 with `Retry-After: 1` (Windmill documents none; a proxy may).
 */

export interface WindmillFakeOptions {
  workspace: string;
  /** Runnable paths, e.g. `u/ada/on_payment`, reachable as `p/…`, `h/…` or `f/…`. */
  runnables: string[];
  tokens: string[];
  maxBodyBytes?: number;
  rateLimitPerSecond?: number;
}

export interface WindmillJob {
  id: string;
  mode: 'run' | 'run_wait_result';
  kind: 'p' | 'h' | 'f';
  runnable: string;
  token: string;
  auth: 'query' | 'bearer';
  args: Record<string, unknown>;
  headers: Record<string, string>;
}

export interface WindmillRejected {
  method: string;
  path: string;
  statusCode: number;
  reason: string;
}

export interface WindmillFake {
  url: string;
  readonly jobs: readonly WindmillJob[];
  readonly rejected: readonly WindmillRejected[];
  reset(): void;
  close(): Promise<void>;
}

export async function startWindmillFake(options: WindmillFakeOptions): Promise<WindmillFake> {
  const maxBodyBytes = Math.min(options.maxBodyBytes ?? WINDMILL_MAX_BODY_BYTES, WINDMILL_MAX_BODY_BYTES);
  const jobs: WindmillJob[] = [];
  const rejected: WindmillRejected[] = [];
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
      const parsed = new URL(req.url ?? '/', 'http://fake');
      const path = parsed.pathname;
      const reply = (
        statusCode: number,
        body: string,
        reason?: string,
        headers: Record<string, string> = {},
      ) => {
        if (reason !== undefined) rejected.push({ method, path, statusCode, reason });
        res.writeHead(statusCode, { 'content-type': 'text/plain; charset=utf-8', ...headers });
        res.end(body);
      };
      const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
      const queryToken = parsed.searchParams.get('token');
      const token = queryToken ?? bearer;
      if (token === undefined || token === '' || !options.tokens.includes(token)) {
        return reply(401, 'Unauthorized: invalid or missing token', 'bad token');
      }
      const match = WINDMILL_PATH.exec(path);
      if (method !== 'POST' || !match) return reply(404, 'Not Found', 'unknown route');
      const [, workspace, mode, kind, runnable] = match;
      if (workspace !== options.workspace || !options.runnables.includes(decodeURIComponent(runnable!))) {
        return reply(404, `Script not found at name ${runnable}`, 'unknown runnable');
      }
      if (options.rateLimitPerSecond !== undefined) {
        const now = Date.now();
        if (now - windowStart >= 1000) {
          windowStart = now;
          windowCount = 0;
        }
        windowCount += 1;
        if (windowCount > options.rateLimitPerSecond) {
          return reply(429, 'Too Many Requests', 'rate limited', { 'retry-after': '1' });
        }
      }
      if (overflow) return reply(413, 'Payload Too Large', 'body too large');
      let args: unknown;
      try {
        args = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return reply(400, 'Failed to parse the request body as JSON', 'invalid JSON');
      }
      if (!isJsonObject(args)) {
        return reply(400, 'the arguments must be a JSON object', 'arguments not an object');
      }
      const id = randomUUID();
      jobs.push({
        id,
        mode: mode as WindmillJob['mode'],
        kind: kind as WindmillJob['kind'],
        runnable: decodeURIComponent(runnable!),
        token,
        auth: queryToken !== null ? 'query' : 'bearer',
        args,
        headers: Object.fromEntries(
          Object.entries(req.headers).map(([name, value]) => [
            name,
            Array.isArray(value) ? value.join(', ') : (value ?? ''),
          ]),
        ),
      });
      if (mode === 'run') return reply(201, id);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(args));
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    jobs,
    rejected,
    reset() {
      jobs.length = 0;
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
