import { basicCredentials } from '../authorization-header.ts';
import { type FakeServer, refuse, startFakeServer } from '../fake-server.ts';
import { isJsonObject } from '../json-value.ts';
import { RateWindow } from '../rate-window.ts';
import {
  isIso8601,
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

export interface SegmentFake extends FakeServer {
  received: AcceptedCall[];
  dropped: DroppedCall[];
}

const SINGLE_PATHS: ReadonlyMap<string, SegmentCallType> = new Map(
  SEGMENT_CALL_TYPES.map((type) => [`/v1/${type}`, type]),
);
/** `/v1/import` is the legacy alias of batch that the Ruby SDK still uses. */
const BATCH_PATHS = new Set(['/v1/batch', '/v1/import']);

function error(statusCode: number, reason: string, headers?: Record<string, string>) {
  return { statusCode, body: { error: reason }, reason, ...(headers ? { headers } : {}) };
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

/** Basic `base64(writeKey + ":")` or `writeKey` in the body; both, if present, must name the same source. */
function authenticate(
  authorization: string | undefined,
  body: Record<string, unknown>,
  writeKeys: ReadonlySet<string>,
): { writeKey: string; auth: 'basic' | 'body' } {
  let headerKey: string | undefined;
  if (authorization !== undefined) {
    const basic = basicCredentials(authorization);
    if (!basic) refuse(error(401, 'the Authorization header must be Basic base64(writeKey + ":")'));
    if (basic.password === undefined) {
      refuse(error(401, 'Basic credentials must be base64(writeKey + ":"), with the colon'));
    }
    if (basic.password !== '') {
      refuse(error(401, 'Basic credentials must have an empty password: base64(writeKey + ":")'));
    }
    headerKey = basic.user;
  }
  const bodyKey = body.writeKey;
  if (bodyKey !== undefined && typeof bodyKey !== 'string') {
    refuse(error(401, 'writeKey in the body must be a string'));
  }
  if (headerKey === undefined && bodyKey === undefined) {
    refuse(error(401, 'no Write Key: send Basic auth or writeKey in the body'));
  }
  if (headerKey !== undefined && bodyKey !== undefined && headerKey !== bodyKey) {
    refuse(error(401, 'the Write Key in the body is not the one in the Authorization header'));
  }
  const writeKey = (headerKey ?? bodyKey) as string;
  if (!writeKeys.has(writeKey)) refuse(error(401, 'unknown Write Key'));
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
  const rate = new RateWindow(options.rateLimitPerSecond, 1000);

  const server = await startFakeServer({
    maxBodyBytes: MAX_BATCH_BYTES,
    contentType: 'application/json',
    state: [received, dropped, rate],
    handle(request) {
      const { path, headers } = request;
      const single = SINGLE_PATHS.get(path);
      const isBatch = BATCH_PATHS.has(path);
      if (!single && !isBatch) return error(404, `no endpoint ${path}`);
      if (request.method !== 'POST') return error(405, 'only POST', { allow: 'POST' });
      const admitted = rate.admit();
      if (!admitted.admitted) {
        const seconds = String(Math.max(1, Math.ceil(admitted.resetMs / 1000)));
        return error(429, 'rate limit exceeded', { 'retry-after': seconds, 'x-ratelimit-reset': seconds });
      }
      if (request.mediaType !== 'application/json')
        return error(400, 'Content-Type must be application/json');
      const limit = isBatch ? MAX_BATCH_BYTES : MAX_CALL_BYTES;
      if (request.tooLarge || request.body.length > limit) {
        return error(400, `the request is over ${limit / 1024} KB`);
      }
      const body = request.json(() => error(400, 'invalid JSON'));
      if (!isJsonObject(body)) return error(400, 'the body must be a JSON object');
      const { writeKey, auth } = authenticate(headers.authorization, body, writeKeys);
      const scripted = request.scripted();
      if (scripted) return scripted;

      const accept = (type: SegmentCallType, message: Record<string, unknown>) => {
        received.push({ path, type, headers, body, message, writeKey, auth });
      };
      const drop = (reason: string, message: unknown) => {
        dropped.push({ path, writeKey, reason, message });
      };
      const success = { statusCode: 200, body: { success: true } };

      if (single) {
        const { writeKey: _key, ...message } = body;
        if (message.type !== undefined && message.type !== single) {
          drop(`type ${JSON.stringify(message.type)} on the ${single} endpoint`, message);
          return success;
        }
        const reason = dropReason(message, single);
        if (reason) drop(reason, message);
        else accept(single, message);
        return success;
      }

      const { batch } = body;
      if (!Array.isArray(batch)) return error(400, 'batch must be an array');
      if (batch.some((item) => serializedBytes(item) > MAX_CALL_BYTES)) {
        return error(400, 'a call in the batch is over 32 KB');
      }
      if (batch.length > MAX_BATCH_ITEMS) {
        for (const item of batch) drop(`the batch has more than ${MAX_BATCH_ITEMS} calls`, item);
        return success;
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
      return success;
    },
  });
  return Object.assign(server, { received, dropped });
}
