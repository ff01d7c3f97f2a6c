import type { TransformedRequest } from '../../sandbox/index.ts';
import type { ConnectorRegion, ContractFinding } from '../connector.ts';
import { isJsonObject, jsonByteLength } from '../json-value.ts';

/**
 * MailerLite's API contract. destinations.md §4f has nothing beyond the Dodo sample (`POST /api/subscribers`,
 * `PUT /api/subscribers/{email}`, Bearer [unverified]). What is enforced here is deliberately narrow and is what
 * MailerLite's "Getting started" page states (https://developers.mailerlite.com/getting-started): base
 * `https://connect.mailerlite.com/api`, JSON bodies, `Authorization: Bearer <token>`, 422 validation errors
 * `{message, errors: {field: [..]}}`, and 120 requests a minute with 429 + `Retry-After`. Assumptions
 * [unverified]: `email` is required on create; `fields` holds flat string/number/null values; `groups` is an array
 * of group ids (strings); `status` is one of the five documented states; PUT takes the subscriber's email (as the
 * Dodo sample does) or numeric id in the path.
 */

export const MAILERLITE_HOST = 'connect.mailerlite.com';
export const SUBSCRIBERS_PATH = '/api/subscribers';
export const SUBSCRIBERS_URL = `https://${MAILERLITE_HOST}${SUBSCRIBERS_PATH}`;
export const STATUSES = ['active', 'unsubscribed', 'unconfirmed', 'bounced', 'junk'] as const;
/** A conservative cap on the request body [unverified]; MailerLite publishes none for this endpoint. */
export const BODY_MAX_BYTES = 1024 * 1024;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** `field` → messages, the shape of MailerLite's 422 `errors`. */
export type MailerliteErrors = Record<string, string[]>;

export type Route = { kind: 'create' } | { kind: 'update'; subscriber: string };

export function routeOf(path: string): Route | undefined {
  if (path === SUBSCRIBERS_PATH) return { kind: 'create' };
  const match = /^\/api\/subscribers\/([^/]+)$/.exec(path);
  if (!match) return undefined;
  try {
    return { kind: 'update', subscriber: decodeURIComponent(match[1]!) };
  } catch {
    return { kind: 'update', subscriber: '' };
  }
}

export function subscriberErrors(route: Route, body: unknown): MailerliteErrors {
  const errors: MailerliteErrors = {};
  const add = (field: string, message: string) => {
    const list = errors[field] ?? [];
    list.push(message);
    errors[field] = list;
  };
  if (route.kind === 'update' && !EMAIL.test(route.subscriber) && !/^\d+$/.test(route.subscriber)) {
    add(
      'subscriber',
      "the path must end with the subscriber's email (URL-encoded) or id, e.g. /api/subscribers/ada%40example.com",
    );
  }
  if (!isJsonObject(body)) {
    add('body', 'the body must be a JSON object like {"email", "fields", "groups"}');
    return errors;
  }
  if (route.kind === 'create' || body.email !== undefined) {
    if (typeof body.email !== 'string' || body.email === '') add('email', 'The email field is required.');
    else if (!EMAIL.test(body.email)) add('email', 'The email must be a valid email address.');
  }
  if (body.fields !== undefined) {
    if (!isJsonObject(body.fields)) add('fields', 'fields must be an object of {field_key: value}');
    else {
      for (const [key, value] of Object.entries(body.fields)) {
        if (value !== null && typeof value !== 'string' && typeof value !== 'number') {
          add(`fields.${key}`, `fields.${key} must be a string, a number or null`);
        }
      }
    }
  }
  if (body.groups !== undefined) {
    if (!Array.isArray(body.groups) || body.groups.some((g) => typeof g !== 'string' || g === '')) {
      add('groups', 'groups must be an array of group ids (strings), e.g. ["123456789"]');
    }
  }
  if (body.status !== undefined && !(STATUSES as readonly unknown[]).includes(body.status)) {
    add('status', `status must be one of ${STATUSES.join(', ')}`);
  }
  return errors;
}

export function checkMailerliteRequest(
  request: TransformedRequest,
  region: ConnectorRegion,
): ContractFinding[] {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return [{ field: 'url', message: `"${request.url}" is not a URL: write ${SUBSCRIBERS_URL}` }];
  }
  const findings: ContractFinding[] = [];
  if (url.protocol !== 'https:' || !region.hosts.includes(url.hostname)) {
    return [{ field: 'url', message: `${url.origin} is not MailerLite's API: write ${SUBSCRIBERS_URL}` }];
  }
  const route = routeOf(url.pathname);
  if (!route) {
    return [
      {
        field: 'url',
        message: `${url.pathname} is not a subscribers endpoint: write ${SUBSCRIBERS_URL} (POST) or ${SUBSCRIBERS_URL}/{email} (PUT)`,
      },
    ];
  }
  const method = route.kind === 'create' ? 'POST' : 'PUT';
  if (request.method !== method) {
    findings.push({
      field: 'method',
      message: `${url.pathname} takes ${method}, not ${request.method}: set webhook.method = "${method}"`,
    });
  }
  for (const [field, messages] of Object.entries(subscriberErrors(route, request.payload))) {
    findings.push({
      field: field === 'subscriber' ? 'url' : field === 'body' ? 'payload' : `payload.${field}`,
      message: messages.join('; '),
    });
  }
  const bytes = jsonByteLength(request.payload);
  if (bytes > BODY_MAX_BYTES)
    findings.push({ field: 'payload', message: `the body is ${bytes} bytes; keep it under 1 MB` });
  return findings;
}
