import type { TransformedRequest } from '../../sandbox/index.ts';
import type { ConnectorRegion, ContractFinding } from '../connector.ts';
import { briefJson, isJsonObject, jsonByteLength } from '../json-value.ts';

/**
 * Inngest's event API (shared/reference/destinations.md §3e), checked before anything is sent:
 * - `POST https://inn.gs/e/{EVENT_KEY}`: the key in the path is the credential;
 * - the body is one event or an array of events `{name (required), data (object, required), user?, id?, ts?
 *   (Unix milliseconds), v?}`;
 * - an event is at most 256 KiB on the Free plan (3 MiB on paid plans). Switchyard cannot see the plan, so it
 *   holds every event to 256 KiB: a payment event is a few KB, and a larger one would be refused on Free;
 * - at most 512 events per request **[unverified]**: enforced anyway, since splitting is always safe.
 */

export const INNGEST_MAX_EVENT_BYTES = 256 * 1024;
export const INNGEST_MAX_EVENTS = 512;
/** Below this, a `ts` reads as Unix seconds (before 1973 in milliseconds). */
const MIN_TS_MS = 100_000_000_000;
export const INNGEST_PATH = /^\/e\/([^/]+)$/;

/** What is wrong with one event; `prefix` is where it sits (`payload`, `payload[2]`). Shared with the fake. */
export function eventProblems(event: unknown, prefix: string): ContractFinding[] {
  const findings: ContractFinding[] = [];
  if (!isJsonObject(event)) {
    return [{ field: prefix, message: `must be an event object { name, data }, not ${briefJson(event)}` }];
  }
  if (typeof event.name !== 'string' || event.name.trim() === '') {
    findings.push({
      field: `${prefix}.name`,
      message: `an event needs a name (it is ${briefJson(event.name)}): write a non-empty string such as "dodo/payment.succeeded"`,
    });
  }
  if (!isJsonObject(event.data)) {
    findings.push({
      field: `${prefix}.data`,
      message: `an event needs data as a JSON object (it is ${briefJson(event.data)}): write data: { ... }`,
    });
  }
  if (event.user !== undefined && !isJsonObject(event.user)) {
    findings.push({
      field: `${prefix}.user`,
      message: `must be a JSON object, not ${briefJson(event.user)}: write { ... } or remove it`,
    });
  }
  if (event.id !== undefined && (typeof event.id !== 'string' || event.id === '')) {
    findings.push({
      field: `${prefix}.id`,
      message: `must be a non-empty string (it is ${briefJson(event.id)}): remove it and Switchyard sets a deterministic one`,
    });
  }
  if (event.ts !== undefined) {
    if (typeof event.ts !== 'number' || !Number.isSafeInteger(event.ts) || event.ts < 0) {
      findings.push({
        field: `${prefix}.ts`,
        message: `must be an integer of Unix milliseconds (it is ${briefJson(event.ts)}): write Date.parse(webhook.payload.timestamp), or remove it`,
      });
    } else if (event.ts < MIN_TS_MS) {
      findings.push({
        field: `${prefix}.ts`,
        message: `${event.ts} reads as Unix seconds, but Inngest takes milliseconds: write ${event.ts * 1000} (Date.parse(webhook.payload.timestamp))`,
      });
    }
  }
  if (event.v !== undefined && typeof event.v !== 'string') {
    findings.push({
      field: `${prefix}.v`,
      message: `must be a string version such as "2025-08-01.1", not ${briefJson(event.v)}`,
    });
  }
  const size = jsonByteLength(event);
  if (size > INNGEST_MAX_EVENT_BYTES) {
    findings.push({
      field: prefix,
      message: `is ${(size / 1024).toFixed(1)} KiB; Inngest refuses an event over 256 KiB on the Free plan: send fewer fields in data`,
    });
  }
  return findings;
}

/** The events a body carries, with where each sits; a problem with the body itself otherwise. */
export function bodyProblems(payload: unknown): ContractFinding[] {
  if (Array.isArray(payload)) {
    if (payload.length === 0)
      return [{ field: 'payload', message: 'is an empty array: send at least one event' }];
    const findings: ContractFinding[] = [];
    if (payload.length > INNGEST_MAX_EVENTS) {
      findings.push({
        field: 'payload',
        message: `has ${payload.length} events; send at most ${INNGEST_MAX_EVENTS} per request`,
      });
    }
    payload.forEach((event, index) => {
      findings.push(...eventProblems(event, `payload[${index}]`));
    });
    return findings;
  }
  return eventProblems(payload, 'payload');
}

/**
 * What Inngest would refuse in this request.
 * @returns one finding per problem, naming the field and what to write instead
 */
export function checkInngestRequest(request: TransformedRequest, region: ConnectorRegion): ContractFinding[] {
  const findings: ContractFinding[] = [];
  const host = region.hosts[0] ?? 'inn.gs';
  if (request.method !== 'POST') {
    findings.push({
      field: 'method',
      message: `Inngest's event API takes POST: write webhook.method = "POST" (not ${briefJson(request.method)})`,
    });
  }
  let url: URL | undefined;
  try {
    url = new URL(request.url);
  } catch {
    findings.push({
      field: 'url',
      message: `${briefJson(request.url)} is not a URL: keep webhook.url as pasted, https://${host}/e/{EVENT_KEY}`,
    });
  }
  if (url) {
    const key = INNGEST_PATH.exec(url.pathname)?.[1];
    const expected = `https://${host}/e/${key ?? '{EVENT_KEY}'}`;
    if (!region.hosts.includes(url.hostname)) {
      findings.push({
        field: 'url',
        message: `Inngest Cloud takes events at ${region.hosts.join(' or ')}, not ${url.hostname}: write ${expected}`,
      });
    }
    if (url.protocol !== 'https:' || url.port !== '' || url.username !== '' || url.password !== '') {
      findings.push({
        field: 'url',
        message: `the event key travels in the URL, so write exactly ${expected}`,
      });
    }
    if (key === undefined) {
      findings.push({
        field: 'url',
        message: `${briefJson(url.pathname)} is not an event URL: write ${expected}, with the key from Manage → Event Keys`,
      });
    }
  }
  findings.push(...bodyProblems(request.payload));
  return findings;
}
