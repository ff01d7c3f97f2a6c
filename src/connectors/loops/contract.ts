import type { TransformedRequest } from '../../sandbox/index.ts';
import type { ConnectorRegion, ContractFinding } from '../connector.ts';
import { isJsonObject, jsonByteLength } from '../json-value.ts';

/**
 * Loops' API contract (shared/reference/destinations.md §4e, from loops.so/docs and the vendor OpenAPI 1.21.6).
 * The same rules serve `checkLoopsRequest` (before any network call) and the fake in `fake.ts`.
 */

/** The documented base is `https://app.loops.so/api`. */
export const LOOPS_HOST = 'app.loops.so';
/** The host the Dodo Loops card targets; Loops does not document it [unverified], so it is flagged. */
export const LOOPS_UNDOCUMENTED_HOST = 'api.loops.so';
export const EVENTS_PATH = '/api/v1/events/send';
export const TRANSACTIONAL_PATH = '/api/v1/transactional';
export const EVENTS_URL = `https://${LOOPS_HOST}${EVENTS_PATH}`;
export const TRANSACTIONAL_URL = `https://${LOOPS_HOST}${TRANSACTIONAL_PATH}`;
/** "Some body key or value is longer than allowable": each value at most 500 characters. */
export const VALUE_MAX_CHARS = 500;
/** `/v1/transactional` bodies are at most 4 MB. */
export const BODY_MAX_BYTES = 4 * 1024 * 1024;
export const IDEMPOTENCY_KEY_MAX_CHARS = 100;

export interface LoopsProblem {
  field: string;
  message: string;
}

function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

/** Every string value (at any depth) over 500 characters, by its dotted field. */
function longValues(value: unknown, field: string, out: LoopsProblem[]): void {
  if (typeof value === 'string') {
    if (value.length > VALUE_MAX_CHARS) {
      out.push({
        field,
        message: `${field} is ${value.length} characters; Loops rejects body values over ${VALUE_MAX_CHARS} ("Some body key or value is longer than allowable"): shorten it`,
      });
    }
  } else if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) longValues(item, `${field}[${index}]`, out);
  } else if (isJsonObject(value)) {
    for (const [key, item] of Object.entries(value)) longValues(item, field ? `${field}.${key}` : key, out);
  }
}

/** `POST /v1/events/send`: `eventName` (no ":") and `email` and/or `userId`; flat `eventProperties`. */
export function eventProblems(body: unknown): LoopsProblem[] {
  if (!isJsonObject(body)) {
    return [
      { field: '', message: 'the body must be a JSON object like {"email", "eventName", "eventProperties"}' },
    ];
  }
  const problems: LoopsProblem[] = [];
  if (!nonEmpty(body.eventName)) {
    problems.push({
      field: 'eventName',
      message: 'eventName is required: a non-empty string, e.g. "paymentSucceeded"',
    });
  } else if (body.eventName.includes(':')) {
    problems.push({
      field: 'eventName',
      message: `eventName may not contain ":"; write "${body.eventName.replaceAll(':', '_')}"`,
    });
  }
  if (!nonEmpty(body.email) && !nonEmpty(body.userId)) {
    problems.push({
      field: 'email',
      message: 'give email or userId (at least one) to say which contact the event is for',
    });
  }
  if (body.eventProperties !== undefined) {
    if (!isJsonObject(body.eventProperties)) {
      problems.push({
        field: 'eventProperties',
        message: 'eventProperties must be an object of string, number or boolean values',
      });
    } else {
      for (const [key, value] of Object.entries(body.eventProperties)) {
        if (!['string', 'number', 'boolean'].includes(typeof value)) {
          problems.push({
            field: `eventProperties.${key}`,
            message: `eventProperties.${key} must be a string, number, boolean or date string, not ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}: flatten it or leave it out`,
          });
        }
      }
    }
  }
  if (body.mailingLists !== undefined) {
    const lists = body.mailingLists;
    if (!isJsonObject(lists) || Object.values(lists).some((v) => typeof v !== 'boolean')) {
      problems.push({
        field: 'mailingLists',
        message: 'mailingLists must be an object of {listId: true|false}',
      });
    }
  }
  // Other top-level keys update contact properties, whose values are scalars (the Dodo sample's `properties`
  // object would be one): event data belongs in `eventProperties`.
  for (const [key, value] of Object.entries(body)) {
    if (['eventProperties', 'mailingLists'].includes(key)) continue;
    if (value !== null && typeof value === 'object') {
      problems.push({
        field: key,
        message: `top-level "${key}" would be a contact property, which must be a string, number or boolean: put event data in eventProperties`,
      });
    }
  }
  longValues(body, '', problems);
  return problems;
}

/** `POST /v1/transactional`: `transactionalId` and `email`; `dataVariables` an object. */
export function transactionalProblems(body: unknown): LoopsProblem[] {
  if (!isJsonObject(body)) {
    return [
      {
        field: '',
        message: 'the body must be a JSON object like {"transactionalId", "email", "dataVariables"}',
      },
    ];
  }
  const problems: LoopsProblem[] = [];
  if (!nonEmpty(body.transactionalId)) {
    problems.push({
      field: 'transactionalId',
      message: 'transactionalId is required: the id of the transactional email in Loops',
    });
  }
  if (!nonEmpty(body.email))
    problems.push({ field: 'email', message: 'email is required: the recipient address' });
  if (body.dataVariables !== undefined && !isJsonObject(body.dataVariables)) {
    problems.push({ field: 'dataVariables', message: 'dataVariables must be an object' });
  }
  longValues(body, '', problems);
  return problems;
}

export function problemsFor(path: string, body: unknown): LoopsProblem[] | undefined {
  if (path === EVENTS_PATH) return eventProblems(body);
  if (path === TRANSACTIONAL_PATH) return transactionalProblems(body);
  return undefined;
}

/** The request the code built, checked against the contract above: url, method, body, idempotency key. */
export function checkLoopsRequest(request: TransformedRequest, region: ConnectorRegion): ContractFinding[] {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return [{ field: 'url', message: `"${request.url}" is not a URL: write ${EVENTS_URL}` }];
  }
  const findings: ContractFinding[] = [];
  if (url.protocol !== 'https:') {
    findings.push({
      field: 'url',
      message: `Loops only answers HTTPS: write https://${url.host}${url.pathname}`,
    });
  }
  if (!region.hosts.includes(url.hostname)) {
    const path = url.hostname === LOOPS_UNDOCUMENTED_HOST ? `/api${url.pathname}` : EVENTS_PATH;
    findings.push({
      field: 'url',
      message:
        url.hostname === LOOPS_UNDOCUMENTED_HOST
          ? `${LOOPS_UNDOCUMENTED_HOST} is not a host Loops documents; its API base is https://${LOOPS_HOST}/api: write https://${LOOPS_HOST}${path}`
          : `${url.hostname} is not Loops' API host: write https://${LOOPS_HOST}${path}`,
    });
    // On the Dodo card's host the body is still checked, against the documented endpoint it meant.
    if (url.hostname !== LOOPS_UNDOCUMENTED_HOST) return findings;
  }
  const pathname = url.hostname === LOOPS_UNDOCUMENTED_HOST ? `/api${url.pathname}` : url.pathname;
  const problems = problemsFor(pathname, request.payload);
  if (!problems) {
    if (findings.length > 0) return findings;
    findings.push({
      field: 'url',
      message: `${url.pathname} is not a Loops endpoint Switchyard knows: write ${EVENTS_URL} (or ${TRANSACTIONAL_URL})`,
    });
    return findings;
  }
  if (request.method !== 'POST') {
    findings.push({
      field: 'method',
      message: `${url.pathname} takes POST, not ${request.method}: set webhook.method = "POST"`,
    });
  }
  for (const problem of problems) {
    findings.push({
      field: problem.field ? `payload.${problem.field}` : 'payload',
      message: problem.message,
    });
  }
  const bytes = jsonByteLength(request.payload);
  if (bytes > BODY_MAX_BYTES) {
    findings.push({ field: 'payload', message: `the body is ${bytes} bytes; Loops takes at most 4 MB` });
  }
  const key = Object.entries(request.headers).find(([name]) => name.toLowerCase() === 'idempotency-key')?.[1];
  if (key !== undefined && (key.length === 0 || key.length > IDEMPOTENCY_KEY_MAX_CHARS)) {
    findings.push({
      field: 'headers.idempotency-key',
      message: `the Idempotency-Key must be 1–${IDEMPOTENCY_KEY_MAX_CHARS} characters (it is ${key.length}); leave it out and Switchyard sets one`,
    });
  }
  return findings;
}
