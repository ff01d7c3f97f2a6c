import { bearerToken } from '../authorization-header.ts';
import { type FakeReply, type FakeServer, startFakeServer } from '../fake-server.ts';
import { isJsonObject } from '../json-value.ts';
import { RateWindow } from '../rate-window.ts';
import { BODY_MAX_BYTES, routeOf, subscriberErrors } from './contract.ts';

/** One request the fake MailerLite API accepted. */
export interface AcceptedCall {
  method: string;
  path: string;
  apiKey: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export interface StoredSubscriber {
  id: string;
  email: string;
  status: string;
  fields: Record<string, unknown>;
  groups: string[];
}

export interface MailerliteFake extends FakeServer {
  received: AcceptedCall[];
  /** Subscribers by email (lower case). */
  subscribers: Map<string, StoredSubscriber>;
}

export interface MailerliteFakeOptions {
  apiKeys: string[];
  /** MailerLite documents 120 requests a minute per account. */
  rateLimitPerMinute?: number;
}

/** MailerLite's errors carry a `message` (and, for 422, the `errors` by field). */
function fail(statusCode: number, message: string, extra: Record<string, unknown> = {}): FakeReply {
  return { statusCode, body: { message, ...extra }, reason: message };
}

/**
 * A stand-in for `connect.mailerlite.com/api` on 127.0.0.1: Bearer tokens (401 `{"message":"Unauthenticated."}`),
 * `POST /api/subscribers` (upsert: 201 created, 200 updated), `PUT /api/subscribers/{email|id}` (404 when the
 * subscriber does not exist, conservatively), 422 `{message, errors}`, and 429 with `Retry-After` and
 * `X-RateLimit-*` past the per-minute limit.
 */
export async function startMailerliteFake(options: MailerliteFakeOptions): Promise<MailerliteFake> {
  const limit = options.rateLimitPerMinute ?? 120;
  const received: AcceptedCall[] = [];
  const subscribers = new Map<string, StoredSubscriber>();
  const rate = new RateWindow(limit, 60_000);
  let nextId = 1;

  const server = await startFakeServer({
    maxBodyBytes: BODY_MAX_BYTES,
    contentType: 'application/json',
    state: [received, subscribers, rate],
    handle(request) {
      const { method, path, headers } = request;
      const apiKey = bearerToken(headers.authorization);
      if (!apiKey || !options.apiKeys.includes(apiKey)) return fail(401, 'Unauthenticated.');
      const scripted = request.scripted();
      if (scripted) return scripted;
      const admitted = rate.admit();
      // MailerLite reports the account's budget on every answer past the token check.
      request.replyHeaders['x-ratelimit-limit'] = String(limit);
      request.replyHeaders['x-ratelimit-remaining'] = String(admitted.remaining);
      if (!admitted.admitted) {
        const retryAfter = String(Math.max(1, Math.ceil(admitted.resetMs / 1000)));
        return { ...fail(429, 'Too Many Attempts.'), headers: { 'retry-after': retryAfter } };
      }
      const route = routeOf(path);
      if (!route) return fail(404, 'Resource not found.');
      const allowed = route.kind === 'create' ? 'POST' : 'PUT';
      if (method !== allowed) return fail(405, `The ${method} method is not supported for this route.`);
      if (request.tooLarge) return fail(413, 'Request Entity Too Large');
      if (request.mediaType !== 'application/json') {
        return fail(415, 'Content-Type must be application/json.');
      }
      const body = request.json(() => fail(400, 'Malformed JSON.'));
      const errors = subscriberErrors(route, body);
      const fields = Object.keys(errors);
      if (fields.length > 0) {
        const first = errors[fields[0]!]![0]!;
        const more =
          fields.length > 1 ? ` (and ${fields.length - 1} more error${fields.length > 2 ? 's' : ''})` : '';
        return fail(422, `${first}${more}`, { errors });
      }
      const input = body as Record<string, unknown>;
      let existing: StoredSubscriber | undefined;
      if (route.kind === 'update') {
        existing =
          subscribers.get(route.subscriber.toLowerCase()) ??
          [...subscribers.values()].find((s) => s.id === route.subscriber);
        if (!existing) return fail(404, 'Resource not found.');
      } else {
        existing = subscribers.get(String(input.email).toLowerCase());
      }
      const subscriber: StoredSubscriber = existing ?? {
        id: String(nextId++),
        email: String(input.email),
        status: 'active',
        fields: {},
        groups: [],
      };
      if (isJsonObject(input.fields)) Object.assign(subscriber.fields, input.fields);
      if (Array.isArray(input.groups))
        subscriber.groups = [...new Set([...subscriber.groups, ...(input.groups as string[])])];
      if (typeof input.status === 'string') subscriber.status = input.status;
      subscribers.set(subscriber.email.toLowerCase(), subscriber);
      received.push({ method, path, apiKey, headers, body: input });
      return { statusCode: existing ? 200 : 201, body: { data: structuredClone(subscriber) } };
    },
  });
  return Object.assign(server, { received, subscribers });
}
