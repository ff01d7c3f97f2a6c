import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bodyProblems, INNGEST_PATH } from './contract.ts';

/**
 * A stand-in for Inngest Cloud's event API on 127.0.0.1 (destinations.md §3e):
 * - `POST /e/{EVENT_KEY}` with a known key; unknown key: 401 `{"error":"Event key not found","status":401}`;
 * - the body is one event or an array; an event without `name` or object `data`, a bad `ts`/`id`, an event over
 *   256 KiB, more than 512 events, or JSON that does not parse: 400 `{"error":…,"status":400}`;
 * - success: 200 `{"ids":[…],"status":200}` (raw shape **[unverified]**);
 * - an `id` seen before (24 h dedup): answered 200 but not recorded again, as Inngest runs nothing for it;
 * - past `rateLimitPerSecond` requests in a second: 429 with `Retry-After: 1` (undocumented by Inngest).
 */

export interface InngestFakeOptions {
  eventKeys: string[];
  rateLimitPerSecond?: number;
}

export interface InngestEvent {
  key: string;
  event: Record<string, unknown>;
  headers: Record<string, string>;
}

export interface InngestRejected {
  path: string;
  statusCode: number;
  reason: string;
}

export interface InngestFake {
  url: string;
  /** Accepted events, without the repeats of an id. */
  readonly events: readonly InngestEvent[];
  readonly duplicates: readonly InngestEvent[];
  readonly rejected: readonly InngestRejected[];
  reset(): void;
  close(): Promise<void>;
}

/** Above the largest body Inngest takes (512 events of 256 KiB is more; such a body is refused unread). */
const READ_LIMIT = 8 * 1024 * 1024;

export async function startInngestFake(options: InngestFakeOptions): Promise<InngestFake> {
  const events: InngestEvent[] = [];
  const duplicates: InngestEvent[] = [];
  const rejected: InngestRejected[] = [];
  const seen = new Map<string, string>();
  let windowStart = 0;
  let windowCount = 0;

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let overflow = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > READ_LIMIT) overflow = true;
      else chunks.push(chunk);
    });
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://fake').pathname;
      const reply = (
        statusCode: number,
        body: unknown,
        reason?: string,
        headers: Record<string, string> = {},
      ) => {
        if (reason !== undefined) rejected.push({ path, statusCode, reason });
        res.writeHead(statusCode, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      };
      const error = (statusCode: number, message: string, headers?: Record<string, string>) =>
        reply(statusCode, { error: message, status: statusCode }, message, headers);
      const key = INNGEST_PATH.exec(path)?.[1];
      if (req.method !== 'POST' || key === undefined) return error(404, 'Not found');
      if (!options.eventKeys.includes(decodeURIComponent(key))) return error(401, 'Event key not found');
      if (options.rateLimitPerSecond !== undefined) {
        const now = Date.now();
        if (now - windowStart >= 1000) {
          windowStart = now;
          windowCount = 0;
        }
        windowCount += 1;
        if (windowCount > options.rateLimitPerSecond)
          return error(429, 'Too many requests', { 'retry-after': '1' });
      }
      if (overflow) return error(400, 'Request body too large');
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return error(400, 'Unable to parse the request body as JSON');
      }
      const problems = bodyProblems(body);
      if (problems.length > 0) {
        return error(
          400,
          problems.map((p) => `${p.field.replace(/^payload/, 'event')}: ${p.message}`).join('; '),
        );
      }
      const list = (Array.isArray(body) ? body : [body]) as Record<string, unknown>[];
      const headers = Object.fromEntries(
        Object.entries(req.headers).map(([name, value]) => [
          name,
          Array.isArray(value) ? value.join(', ') : (value ?? ''),
        ]),
      );
      const ids = list.map((event) => {
        const recorded = { key: decodeURIComponent(key), event, headers };
        const id = typeof event.id === 'string' ? `${recorded.key}:${event.id}` : undefined;
        if (id !== undefined && seen.has(id)) {
          duplicates.push(recorded);
          return seen.get(id)!;
        }
        const internal = randomUUID();
        if (id !== undefined) seen.set(id, internal);
        events.push(recorded);
        return internal;
      });
      return reply(200, { ids, status: 200 });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    events,
    duplicates,
    rejected,
    reset() {
      events.length = 0;
      duplicates.length = 0;
      rejected.length = 0;
      seen.clear();
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      });
    },
  };
}
