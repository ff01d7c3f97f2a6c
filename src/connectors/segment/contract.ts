import type { TransformedRequest } from '../../sandbox/index.ts';
import type { ConnectorRegion, ContractFinding } from '../connector.ts';
import { briefJson, isJsonObject, jsonByteLength } from '../json-value.ts';

/**
 * Segment's HTTP Tracking API contract (shared/reference/destinations.md §1), checked before anything is sent:
 * Segment answers 200 to most invalid calls and drops them where only its Debugger shows it, so a call that
 * breaks the contract must be caught here.
 */

export const SEGMENT_CALL_TYPES = ['identify', 'track', 'page', 'screen', 'group', 'alias'] as const;
export type SegmentCallType = (typeof SEGMENT_CALL_TYPES)[number];

/** The endpoints a transformation may post to, and the call each one takes. */
export const SEGMENT_PATHS: ReadonlyMap<string, SegmentCallType | 'batch'> = new Map([
  ['/v1/identify', 'identify'],
  ['/v1/track', 'track'],
  ['/v1/page', 'page'],
  ['/v1/screen', 'screen'],
  ['/v1/group', 'group'],
  ['/v1/alias', 'alias'],
  ['/v1/batch', 'batch'],
]);

/** Segment's KB is 1,024 bytes (its SDK computes `KB × 1024`). */
export const MAX_CALL_BYTES = 32 * 1024;
export const MAX_BATCH_BYTES = 500 * 1024;
export const MAX_BATCH_ITEMS = 2500;
/** `messageId` must be under 100 characters. */
export const MAX_MESSAGE_ID_LENGTH = 99;
/** Past this many broken batch items, the rest are summed up in one finding. */
const MAX_ITEM_FINDINGS = 20;

const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?(Z|[+-](\d{2})(?::?(\d{2}))?)?)?$/;
const TIMESTAMP_FIELDS = ['timestamp', 'sentAt', 'originalTimestamp'] as const;
const OBJECT_FIELDS = ['properties', 'traits', 'context', 'integrations'] as const;

type JsonObject = Record<string, unknown>;

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

/** An ISO 8601 calendar date, optionally with a time and an offset, that names a real day and time. */
export function isIso8601(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  const match = ISO_8601.exec(value);
  if (!match) return false;
  const [, year, month, day, hour, minute, second, , offsetHours, offsetMinutes] = match.map((part) =>
    part === undefined ? undefined : Number(part),
  );
  if (month! < 1 || month! > 12 || day! < 1) return false;
  if (day! > new Date(Date.UTC(year!, month!, 0)).getUTCDate()) return false;
  if (hour !== undefined && (hour > 23 || minute! > 59)) return false;
  if (second !== undefined && second > 60) return false;
  if (offsetHours !== undefined && (offsetHours > 23 || (offsetMinutes ?? 0) > 59)) return false;
  return true;
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

function checkUrl(
  raw: string,
  region: ConnectorRegion,
  findings: ContractFinding[],
): SegmentCallType | 'batch' | undefined {
  const host = region.hosts[0] ?? 'api.segment.io';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    findings.push({
      field: 'url',
      message: `${briefJson(raw)} is not a URL: write https://${host}/v1/track (or another Segment endpoint)`,
    });
    return undefined;
  }
  const kind = SEGMENT_PATHS.get(url.pathname);
  const path = kind ? url.pathname : '/v1/track';
  const expected = `https://${host}${path}`;
  if (!region.hosts.includes(url.hostname)) {
    findings.push({
      field: 'url',
      message:
        `the endpoint's Segment region is ${region.label}, whose host is ${region.hosts.join(' or ')}, not ` +
        `${url.hostname}: write ${expected} instead. A workspace only sees the events sent to its own region's ` +
        'host; the others are accepted without an error and never appear.',
    });
  }
  if (url.protocol !== 'https:') {
    findings.push({ field: 'url', message: `Segment only takes HTTPS: write ${expected} instead` });
  }
  if (url.port !== '') {
    findings.push({
      field: 'url',
      message: `remove the port :${url.port}: write ${expected} instead`,
    });
  }
  if (url.username !== '' || url.password !== '') {
    findings.push({
      field: 'url',
      message:
        'remove the user name and password from the URL: Switchyard sends the Write Key from the card as ' +
        `Basic auth. Write ${expected} instead`,
    });
  }
  if (!kind) {
    const paths = [...SEGMENT_PATHS.keys()].join(', ');
    findings.push({
      field: 'url',
      message:
        url.pathname === '/v1/import'
          ? `/v1/import is a legacy alias of the batch endpoint: write https://${host}/v1/batch instead`
          : `Segment has no endpoint ${briefJson(url.pathname)}: write https://${host} followed by one of ${paths}`,
    });
  }
  return kind;
}

function checkHeaders(headers: Record<string, string>, findings: ContractFinding[]): void {
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (lower === 'content-type' && value.split(';')[0]!.trim().toLowerCase() !== 'application/json') {
      findings.push({
        field: `headers.${lower}`,
        message: `Segment requires Content-Type: application/json, not ${briefJson(value)}: remove the header or write application/json`,
      });
    }
    if (lower === 'authorization') {
      findings.push({
        field: `headers.${lower}`,
        message:
          'remove the Authorization header: Switchyard sends the Write Key from the card as Basic auth, and a ' +
          'credential in the code is neither encrypted nor limited to the region’s host',
      });
    }
  }
}

/** The fields one call needs, by type; `prefix` is where the call sits (`payload`, `payload.batch[3]`). */
function checkCall(call: JsonObject, type: SegmentCallType, prefix: string, findings: ContractFinding[]) {
  const field = (name: string) => `${prefix}.${name}`;
  const drops = 'Segment answers 200 but drops the call';

  if (type === 'alias') {
    for (const name of ['previousId', 'userId'] as const) {
      if (!isNonEmptyString(call[name])) {
        findings.push({
          field: field(name),
          message: `an alias call needs ${name} as a non-empty string (it is ${briefJson(call[name])}): set ${field(name)} to the ${name === 'previousId' ? 'old' : 'new'} id; ${drops} otherwise`,
        });
      }
    }
  } else {
    const hasUser = call.userId !== undefined && call.userId !== null;
    const hasAnonymous = call.anonymousId !== undefined && call.anonymousId !== null;
    if (hasUser && !isNonEmptyString(call.userId)) {
      findings.push({
        field: field('userId'),
        message: `must be a non-empty string, not ${briefJson(call.userId)}: set it to the customer's id (e.g. data.customer.customer_id)`,
      });
    }
    if (hasAnonymous && !isNonEmptyString(call.anonymousId)) {
      findings.push({
        field: field('anonymousId'),
        message: `must be a non-empty string, not ${briefJson(call.anonymousId)}: set it or remove it and set ${field('userId')}`,
      });
    }
    if (!hasUser && !hasAnonymous) {
      findings.push({
        field: field('userId'),
        message: `a ${type} call needs userId or anonymousId: set ${field('userId')} to the customer's id (e.g. data.customer.customer_id); ${drops} (no_user_anon_id) otherwise`,
      });
    }
  }
  if (type === 'track' && !isNonEmptyString(call.event)) {
    findings.push({
      field: field('event'),
      message: `a track call needs an event name (it is ${briefJson(call.event)}): set ${field('event')} to a non-empty string such as "Payment Completed"; ${drops} otherwise`,
    });
  }
  if (type === 'group' && !isNonEmptyString(call.groupId)) {
    findings.push({
      field: field('groupId'),
      message: `a group call needs groupId (it is ${briefJson(call.groupId)}): set ${field('groupId')} to the group's id as a non-empty string`,
    });
  }
  if (call.messageId !== undefined) {
    if (!isNonEmptyString(call.messageId) || call.messageId.length > MAX_MESSAGE_ID_LENGTH) {
      findings.push({
        field: field('messageId'),
        message: `must be a non-empty string under 100 characters (it is ${briefJson(call.messageId)}): shorten it, or remove it and Switchyard sets a deterministic one`,
      });
    }
  }
  for (const name of TIMESTAMP_FIELDS) {
    if (call[name] !== undefined && !isIso8601(call[name])) {
      findings.push({
        field: field(name),
        message: `must be an ISO 8601 date-time string such as "2025-08-04T05:30:45.182Z", not ${briefJson(call[name])}: pass the envelope's timestamp, or remove it and Segment stamps the call`,
      });
    }
  }
  for (const name of OBJECT_FIELDS) {
    if (call[name] !== undefined && !isJsonObject(call[name])) {
      findings.push({
        field: field(name),
        message: `must be a JSON object, not ${briefJson(call[name])}: write { ... } or remove it`,
      });
    }
  }
}

function checkBatch(payload: JsonObject, findings: ContractFinding[]) {
  const { batch } = payload;
  if (!Array.isArray(batch)) {
    findings.push({
      field: 'payload.batch',
      message: `a batch call needs payload.batch as an array of calls, each with a type (it is ${briefJson(batch)})`,
    });
    return;
  }
  if (batch.length === 0) {
    findings.push({
      field: 'payload.batch',
      message: 'is empty: add at least one call, or cancel the message',
    });
  }
  if (batch.length > MAX_BATCH_ITEMS) {
    findings.push({
      field: 'payload.batch',
      message: `has ${batch.length} calls; Segment takes at most 2,500 per batch (the others are rejected with a 200): split them across several messages`,
    });
  }
  for (const name of ['context', 'integrations'] as const) {
    if (payload[name] !== undefined && !isJsonObject(payload[name])) {
      findings.push({
        field: `payload.${name}`,
        message: `must be a JSON object, not ${briefJson(payload[name])}: write { ... } or remove it`,
      });
    }
  }
  if (payload.sentAt !== undefined && !isIso8601(payload.sentAt)) {
    findings.push({
      field: 'payload.sentAt',
      message: `must be an ISO 8601 date-time string, not ${briefJson(payload.sentAt)}: remove it`,
    });
  }
  let brokenItems = 0;
  let unreported = 0;
  batch.forEach((item, index) => {
    const prefix = `payload.batch[${index}]`;
    const itemFindings: ContractFinding[] = [];
    if (!isJsonObject(item)) {
      itemFindings.push({
        field: prefix,
        message: `write a call object with a type here, not ${briefJson(item)}`,
      });
    } else if (!SEGMENT_CALL_TYPES.includes(item.type as SegmentCallType)) {
      itemFindings.push({
        field: `${prefix}.type`,
        message: `must be one of ${SEGMENT_CALL_TYPES.join(', ')} (it is ${briefJson(item.type)}): set the call's type`,
      });
    } else {
      checkCall(item, item.type as SegmentCallType, prefix, itemFindings);
      const size = jsonByteLength(item);
      if (size > MAX_CALL_BYTES) {
        itemFindings.push({
          field: prefix,
          message: `is ${kb(size)}; Segment rejects a batch with a call over 32 KB (400): send fewer properties or traits`,
        });
      }
    }
    if (itemFindings.length === 0) return;
    brokenItems += 1;
    if (brokenItems <= MAX_ITEM_FINDINGS) findings.push(...itemFindings);
    else unreported += 1;
  });
  if (unreported > 0) {
    findings.push({
      field: 'payload.batch',
      message: `${unreported} more calls have problems like the ones above; fix those first`,
    });
  }
  const size = jsonByteLength(payload);
  if (size > MAX_BATCH_BYTES) {
    findings.push({
      field: 'payload',
      message: `is ${kb(size)}; Segment rejects a batch over 500 KB (400): split the calls across several messages`,
    });
  }
}

/**
 * What Segment would reject (400) or silently drop (200) in this request, for the endpoint's region.
 * @returns one finding per problem, naming the field and what to write instead; none when the call is fine
 */
export function checkSegmentRequest(request: TransformedRequest, region: ConnectorRegion): ContractFinding[] {
  const findings: ContractFinding[] = [];
  if (request.method !== 'POST') {
    findings.push({
      field: 'method',
      message: `Segment's Tracking API only takes POST: write webhook.method = "POST" (not ${briefJson(request.method)})`,
    });
  }
  const kind = checkUrl(request.url, region, findings);
  checkHeaders(request.headers, findings);
  const { payload } = request;
  if (!isJsonObject(payload)) {
    findings.push({
      field: 'payload',
      message: `must be a JSON object, not ${briefJson(payload)}: build the call as { userId, event, properties, ... }`,
    });
    return findings;
  }
  if (payload.writeKey !== undefined) {
    findings.push({
      field: 'payload.writeKey',
      message: 'remove it: Switchyard sends the Write Key from the card as Basic auth, encrypted at rest',
    });
  }
  if (kind === undefined) return findings;
  if (kind === 'batch') {
    checkBatch(payload, findings);
    return findings;
  }
  if (payload.type !== undefined && payload.type !== kind) {
    findings.push({
      field: 'payload.type',
      message: SEGMENT_CALL_TYPES.includes(payload.type as SegmentCallType)
        ? `is ${briefJson(payload.type)} but the URL is the ${kind} endpoint: remove payload.type, or post to /v1/${payload.type as string}`
        : `is ${briefJson(payload.type)} but the URL is the ${kind} endpoint: remove payload.type`,
    });
  }
  checkCall(payload, kind, 'payload', findings);
  const size = jsonByteLength(payload);
  if (size > MAX_CALL_BYTES) {
    findings.push({
      field: 'payload',
      message: `is ${kb(size)}; Segment rejects a call over 32 KB (400): send fewer or shorter properties or traits`,
    });
  }
  return findings;
}
