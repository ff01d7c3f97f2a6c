import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BODY_MAX_BYTES, isPlainObject, routeOf, subscriberErrors } from './contract.ts';

/** One request the fake MailerLite API accepted. */
export interface AcceptedCall {
  method: string;
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

export interface StoredSubscriber {
  id: string;
  email: string;
  status: string;
  fields: Record<string, unknown>;
  groups: string[];
}

export interface MailerliteFake {
  url: string;
  received: AcceptedCall[];
  requests: {
    method: string;
    path: string;
    statusCode: number;
    headers: Record<string, string>;
    body: string;
  }[];
  /** Subscribers by email (lower case). */
  subscribers: Map<string, StoredSubscriber>;
  respondWith(...responses: ScriptedResponse[]): void;
  reset(): void;
  close(): Promise<void>;
}

export interface MailerliteFakeOptions {
  apiKeys: string[];
  /** MailerLite documents 120 requests a minute per account. */
  rateLimitPerMinute?: number;
}

interface Reply {
  statusCode: number;
  body: unknown;
  headers?: Record<string, string>;
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
  const requests: MailerliteFake['requests'] = [];
  const scripted: ScriptedResponse[] = [];
  const subscribers = new Map<string, StoredSubscriber>();
  let window = { minute: 0, count: 0 };
  let nextId = 1;

  function handle(method: string, path: string, headers: Record<string, string>, raw: Buffer): Reply {
    const apiKey = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '')?.[1];
    if (!apiKey || !options.apiKeys.includes(apiKey))
      return { statusCode: 401, body: { message: 'Unauthenticated.' } };
    const next = scripted.shift();
    if (next) return { statusCode: next.statusCode, body: next.body ?? '', headers: next.headers ?? {} };
    const minute = Math.floor(Date.now() / 60_000);
    if (window.minute !== minute) window = { minute, count: 0 };
    window.count++;
    const rate = {
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': String(Math.max(0, limit - window.count)),
    };
    if (window.count > limit) {
      const retryAfter = String(60 - (Math.floor(Date.now() / 1000) % 60));
      return {
        statusCode: 429,
        body: { message: 'Too Many Attempts.' },
        headers: { ...rate, 'retry-after': retryAfter },
      };
    }
    const reply = (r: Reply): Reply => ({ ...r, headers: { ...rate, ...r.headers } });
    const route = routeOf(path);
    if (!route) return reply({ statusCode: 404, body: { message: 'Resource not found.' } });
    const allowed = route.kind === 'create' ? 'POST' : 'PUT';
    if (method !== allowed) {
      return reply({
        statusCode: 405,
        body: { message: `The ${method} method is not supported for this route.` },
      });
    }
    if (raw.length > BODY_MAX_BYTES)
      return reply({ statusCode: 413, body: { message: 'Request Entity Too Large' } });
    if (!/^application\/json\s*(;|$)/i.test(headers['content-type'] ?? '')) {
      return reply({ statusCode: 415, body: { message: 'Content-Type must be application/json.' } });
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return reply({ statusCode: 400, body: { message: 'Malformed JSON.' } });
    }
    const errors = subscriberErrors(route, body);
    const fields = Object.keys(errors);
    if (fields.length > 0) {
      const first = errors[fields[0]!]![0]!;
      const more =
        fields.length > 1 ? ` (and ${fields.length - 1} more error${fields.length > 2 ? 's' : ''})` : '';
      return reply({ statusCode: 422, body: { message: `${first}${more}`, errors } });
    }
    const input = body as Record<string, unknown>;
    let existing: StoredSubscriber | undefined;
    if (route.kind === 'update') {
      existing =
        subscribers.get(route.subscriber.toLowerCase()) ??
        [...subscribers.values()].find((s) => s.id === route.subscriber);
      if (!existing) return reply({ statusCode: 404, body: { message: 'Resource not found.' } });
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
    if (isPlainObject(input.fields)) Object.assign(subscriber.fields, input.fields);
    if (Array.isArray(input.groups))
      subscriber.groups = [...new Set([...subscriber.groups, ...(input.groups as string[])])];
    if (typeof input.status === 'string') subscriber.status = input.status;
    subscribers.set(subscriber.email.toLowerCase(), subscriber);
    received.push({ method, path, apiKey, headers, body: input });
    return reply({ statusCode: existing ? 200 : 201, body: { data: structuredClone(subscriber) } });
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
    subscribers,
    respondWith(...responses) {
      scripted.push(...responses);
    },
    reset() {
      received.length = 0;
      requests.length = 0;
      scripted.length = 0;
      subscribers.clear();
      window = { minute: 0, count: 0 };
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      });
    },
  };
}
