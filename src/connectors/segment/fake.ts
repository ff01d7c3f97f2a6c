import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  isIso8601,
  isJsonObject,
  MAX_BATCH_BYTES,
  MAX_BATCH_ITEMS,
  MAX_CALL_BYTES,
  SEGMENT_CALL_TYPES,
  type SegmentCallType,
} from './contract.ts';

/**
 * A stand-in for Segment's HTTP Tracking API (shared/reference/destinations.md §1) on 127.0.0.1, for tests.
 * It answers as the documentation says Segment does: 400 for invalid JSON and oversized requests, 200 for
 * almost everything else, including calls Segment then silently drops (no user id, a track without an event).
 * Those are recorded in `dropped`, never in `received`: a call is only `received` if the real API would keep it.
 */

export interface SegmentFakeOptions {
  /** Write Keys of the sources that exist; any other gets 401. */
  writeKeys: string[];
  /** Requests per second (a sliding one-second window) before 429; unlimited when absent. */
  rateLimitPerSecond?: number;
}

/** A call Segment would keep. A batch gives one per item. */
export interface AcceptedCall {
  /** The endpoint it came to: `/v1/track`, `/v1/batch`, ... */
  path: string;
  type: SegmentCallType;
  /** The request's headers, names in lower case. */
  headers: Record<string, string>;
  /** The whole parsed request body, as sent. */
  body: Record<string, unknown>;
  /** The call itself: the body, or the batch item with the batch's `context` and `integrations` merged in. */
  message: Record<string, unknown>;
  writeKey: string;
  /** Where the Write Key came from. */
  auth: 'basic' | 'body';
}

/** A call answered 200 that Segment would drop (only its Debugger would show it). */
export interface DroppedCall {
  path: string;
  writeKey: string;
  reason: string;
  message: unknown;
}

/** A request answered with an error status. */
export interface RejectedRequest {
  method: string;
  path: string;
  statusCode: number;
  reason: string;
}

export interface SegmentFake {
  /** `http://127.0.0.1:PORT`, the `host` for the SDK. */
  url: string;
  received: AcceptedCall[];
  dropped: DroppedCall[];
  rejected: RejectedRequest[];
  close(): Promise<void>;
}

const SINGLE_PATHS: ReadonlyMap<string, SegmentCallType> = new Map(
  SEGMENT_CALL_TYPES.map((type) => [`/v1/${type}`, type]),
);
/** `/v1/import` is the legacy alias of batch that the Ruby SDK still uses. */
const BATCH_PATHS = new Set(['/v1/batch', '/v1/import']);
/** Bodies are read whole up to this size; anything larger is rejected unread. */
const READ_LIMIT = 4 * 1024 * 1024;

class HttpError extends Error {
  readonly statusCode: number;
  readonly headers: Record<string, string>;

  constructor(statusCode: number, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.statusCode = statusCode;
    this.headers = headers;
  }
}

function nonEmpty(value: unknown): boolean {
  return typeof value === 'string' && value.trim() !== '';
}

function serializedBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

/** Why Segment would drop this call though it answers 200, if it would. */
function dropReason(call: Record<string, unknown>, type: SegmentCallType): string | undefined {
  if (type === 'alias') {
    if (!nonEmpty(call.previousId)) return 'an alias call without previousId';
    if (!nonEmpty(call.userId)) return 'an alias call without userId';
  } else if (!nonEmpty(call.userId) && !nonEmpty(call.anonymousId)) {
    return 'no_user_anon_id: the call has neither userId nor anonymousId';
  }
  if (type === 'track' && !nonEmpty(call.event)) return 'a track call without event is not accepted';
  if (type === 'group' && !nonEmpty(call.groupId)) return 'a group call without groupId';
  if (
    call.messageId !== undefined &&
    (!nonEmpty(call.messageId) || (call.messageId as string).length >= 100)
  ) {
    return 'messageId must be a string under 100 characters';
  }
  for (const name of ['timestamp', 'originalTimestamp', 'sentAt']) {
    if (call[name] !== undefined && !isIso8601(call[name])) return `${name} is not an ISO 8601 string`;
  }
  for (const name of ['properties', 'traits', 'context', 'integrations']) {
    if (call[name] !== undefined && !isJsonObject(call[name])) return `${name} is not an object`;
  }
  return undefined;
}

function headersOf(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/** Basic `base64(writeKey + ":")` or `writeKey` in the body; both, if present, must name the same source. */
function authenticate(
  headers: Record<string, string>,
  body: Record<string, unknown>,
  writeKeys: ReadonlySet<string>,
): { writeKey: string; auth: 'basic' | 'body' } {
  let headerKey: string | undefined;
  const authorization = headers.authorization;
  if (authorization !== undefined) {
    const match = /^Basic\s+([A-Za-z0-9+/]+={0,2})$/i.exec(authorization.trim());
    if (!match) {
      throw new HttpError(401, 'the Authorization header must be Basic base64(writeKey + ":")');
    }
    const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) {
      throw new HttpError(401, 'Basic credentials must be base64(writeKey + ":"), with the colon');
    }
    if (decoded.slice(colon + 1) !== '') {
      throw new HttpError(401, 'Basic credentials must have an empty password: base64(writeKey + ":")');
    }
    headerKey = decoded.slice(0, colon);
  }
  const bodyKey = body.writeKey;
  if (bodyKey !== undefined && typeof bodyKey !== 'string') {
    throw new HttpError(401, 'writeKey in the body must be a string');
  }
  if (headerKey === undefined && bodyKey === undefined) {
    throw new HttpError(401, 'no Write Key: send Basic auth or writeKey in the body');
  }
  if (headerKey !== undefined && bodyKey !== undefined && headerKey !== bodyKey) {
    throw new HttpError(401, 'the Write Key in the body is not the one in the Authorization header');
  }
  const writeKey = (headerKey ?? bodyKey) as string;
  if (!writeKeys.has(writeKey)) throw new HttpError(401, 'unknown Write Key');
  return { writeKey, auth: headerKey !== undefined ? 'basic' : 'body' };
}

function mergeBatchDefaults(item: Record<string, unknown>, body: Record<string, unknown>) {
  const merged = { ...item };
  for (const name of ['context', 'integrations'] as const) {
    const outer = body[name];
    if (isJsonObject(outer)) {
      merged[name] = { ...outer, ...(isJsonObject(item[name]) ? item[name] : {}) };
    }
  }
  return merged;
}

export async function startSegmentFake(options: SegmentFakeOptions): Promise<SegmentFake> {
  const writeKeys = new Set(options.writeKeys);
  const received: AcceptedCall[] = [];
  const dropped: DroppedCall[] = [];
  const rejected: RejectedRequest[] = [];
  /** When each request of the last second was admitted. */
  const window: number[] = [];

  function admit(): void {
    const limit = options.rateLimitPerSecond;
    if (limit === undefined) return;
    const now = Date.now();
    while (window.length > 0 && window[0]! <= now - 1000) window.shift();
    if (window.length >= limit) {
      const seconds = String(Math.max(1, Math.ceil((window[0]! + 1000 - now) / 1000)));
      throw new HttpError(429, 'rate limit exceeded', {
        'retry-after': seconds,
        'x-ratelimit-reset': seconds,
      });
    }
    window.push(now);
  }

  async function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of request as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size <= READ_LIMIT) chunks.push(chunk);
    }
    return size > READ_LIMIT ? undefined : Buffer.concat(chunks);
  }

  function handle(request: IncomingMessage, raw: Buffer | undefined, path: string): void {
    const single = SINGLE_PATHS.get(path);
    const isBatch = BATCH_PATHS.has(path);
    if (!single && !isBatch) throw new HttpError(404, `no endpoint ${path}`);
    if (request.method !== 'POST') throw new HttpError(405, 'only POST', { allow: 'POST' });
    admit();
    const headers = headersOf(request);
    const mediaType = (headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (mediaType !== 'application/json') throw new HttpError(400, 'Content-Type must be application/json');
    const limit = isBatch ? MAX_BATCH_BYTES : MAX_CALL_BYTES;
    if (raw === undefined || raw.length > limit) {
      throw new HttpError(400, `the request is over ${limit / 1024} KB`);
    }
    let body: unknown;
    try {
      body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
    } catch {
      throw new HttpError(400, 'invalid JSON');
    }
    if (!isJsonObject(body)) throw new HttpError(400, 'the body must be a JSON object');
    const { writeKey, auth } = authenticate(headers, body, writeKeys);

    const accept = (type: SegmentCallType, message: Record<string, unknown>) => {
      received.push({ path, type, headers, body, message, writeKey, auth });
    };
    const drop = (reason: string, message: unknown) => {
      dropped.push({ path, writeKey, reason, message });
    };

    if (single) {
      const { writeKey: _key, ...message } = body;
      if (message.type !== undefined && message.type !== single) {
        drop(`type ${JSON.stringify(message.type)} on the ${single} endpoint`, message);
        return;
      }
      const reason = dropReason(message, single);
      if (reason) drop(reason, message);
      else accept(single, message);
      return;
    }

    const { batch } = body;
    if (!Array.isArray(batch)) throw new HttpError(400, 'batch must be an array');
    for (const item of batch) {
      if (serializedBytes(item) > MAX_CALL_BYTES)
        throw new HttpError(400, 'a call in the batch is over 32 KB');
    }
    if (batch.length > MAX_BATCH_ITEMS) {
      for (const item of batch) drop(`the batch has more than ${MAX_BATCH_ITEMS} calls`, item);
      return;
    }
    for (const item of batch) {
      if (!isJsonObject(item) || !SEGMENT_CALL_TYPES.includes(item.type as SegmentCallType)) {
        drop('a batch item without a valid type', item);
        continue;
      }
      const type = item.type as SegmentCallType;
      const message = mergeBatchDefaults(item, body);
      const reason = dropReason(message, type);
      if (reason) drop(reason, message);
      else accept(type, message);
    }
  }

  function reply(response: ServerResponse, statusCode: number, body: unknown, headers = {}) {
    response.writeHead(statusCode, { 'content-type': 'application/json', ...headers });
    response.end(JSON.stringify(body));
  }

  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://fake').pathname;
    readBody(request)
      .then((raw) => {
        handle(request, raw, path);
        reply(response, 200, { success: true });
      })
      .catch((error: unknown) => {
        const failure =
          error instanceof HttpError
            ? error
            : new HttpError(500, `fake failure: ${(error as Error).message}`);
        rejected.push({
          method: request.method ?? '',
          path,
          statusCode: failure.statusCode,
          reason: failure.message,
        });
        if (!response.headersSent)
          reply(response, failure.statusCode, { error: failure.message }, failure.headers);
      });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    received,
    dropped,
    rejected,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
