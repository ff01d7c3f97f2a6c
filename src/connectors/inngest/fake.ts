import { randomUUID } from 'node:crypto';
import { type FakeReply, type FakeServer, startFakeServer } from '../fake-server.ts';
import { RateWindow } from '../rate-window.ts';
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

export interface InngestFake extends FakeServer {
  /** Accepted events, without the repeats of an id. */
  readonly events: readonly InngestEvent[];
  readonly duplicates: readonly InngestEvent[];
}

/** Above the largest body Inngest takes (512 events of 256 KiB is more; such a body is refused). */
const READ_LIMIT = 8 * 1024 * 1024;

function error(statusCode: number, message: string, headers?: Record<string, string>): FakeReply {
  return {
    statusCode,
    body: { error: message, status: statusCode },
    reason: message,
    ...(headers ? { headers } : {}),
  };
}

export async function startInngestFake(options: InngestFakeOptions): Promise<InngestFake> {
  const events: InngestEvent[] = [];
  const duplicates: InngestEvent[] = [];
  const seen = new Map<string, string>();
  const rate = new RateWindow(options.rateLimitPerSecond, 1000);

  const server = await startFakeServer({
    maxBodyBytes: READ_LIMIT,
    contentType: 'application/json',
    state: [events, duplicates, seen, rate],
    handle(request) {
      const encodedKey = INNGEST_PATH.exec(request.path)?.[1];
      if (request.method !== 'POST' || encodedKey === undefined) return error(404, 'Not found');
      const key = decodeURIComponent(encodedKey);
      if (!options.eventKeys.includes(key)) return error(401, 'Event key not found');
      if (!rate.admit().admitted) return error(429, 'Too many requests', { 'retry-after': '1' });
      const scripted = request.scripted();
      if (scripted) return scripted;
      if (request.tooLarge) return error(400, 'Request body too large');
      const body = request.json(() => error(400, 'Unable to parse the request body as JSON'));
      const problems = bodyProblems(body);
      if (problems.length > 0) {
        return error(
          400,
          problems.map((p) => `${p.field.replace(/^payload/, 'event')}: ${p.message}`).join('; '),
        );
      }
      const list = (Array.isArray(body) ? body : [body]) as Record<string, unknown>[];
      const ids = list.map((event) => {
        const recorded = { key, event, headers: request.headers };
        const id = typeof event.id === 'string' ? `${key}:${event.id}` : undefined;
        if (id !== undefined && seen.has(id)) {
          duplicates.push(recorded);
          return seen.get(id)!;
        }
        const internal = randomUUID();
        if (id !== undefined) seen.set(id, internal);
        events.push(recorded);
        return internal;
      });
      return { statusCode: 200, body: { ids, status: 200 } };
    },
  });
  return Object.assign(server, { events, duplicates });
}
