import type { TransformedRequest } from '../../sandbox/index.ts';
import type { ConnectorRegion, ContractFinding } from '../connector.ts';
import { briefJson } from '../json-value.ts';

/**
 * The contract of a custom connector: a request to the merchant's own JSON API
 * (shared/reference/transformations.md §4, Svix's Custom connector). Switchyard cannot know that API's
 * paths or fields, so only what any such call needs is checked here:
 * - POST, PUT or PATCH (Svix allows POST/PUT; Dodo's samples also PATCH);
 * - an absolute `https:` URL (plain `http:` only to a loopback address, for local development), without
 *   user name or password in it (the card's authentication carries the credentials);
 * - a JSON body, and no `Authorization` or non-JSON `Content-Type` header set by the code.
 *
 * The credential host rule (credentials only to the host of the endpoint's URL) is NOT checked here: `check`
 * sees the region, whose host list is empty for this card, but not the endpoint's URL. The delivery engine
 * (`credentialHostProblem` with the endpoint URL) enforces it.
 */

/** Above what Svix Cloud documents for a message (~350 KB, delivery-semantics.md §3); a conservative cap. */
export const MAX_BODY_BYTES = 1024 * 1024;

export const CUSTOM_METHODS = ['POST', 'PUT', 'PATCH'] as const;

/** 127.0.0.0/8, ::1 and localhost: the only hosts plain HTTP may go to. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost') || host === '::1') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export function bodyBytes(payload: unknown): number {
  try {
    return Buffer.byteLength(JSON.stringify(payload) ?? '', 'utf8');
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

function checkUrl(raw: string, findings: ContractFinding[]): void {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    findings.push({
      field: 'url',
      message: `${briefJson(raw)} is not a URL: keep webhook.url (your API's URL from the endpoint), or write an absolute https:// URL on the same host`,
    });
    return;
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    url.protocol = 'https:';
    findings.push({
      field: 'url',
      message: `credentials are only sent over HTTPS (plain http only to localhost): write ${url.href} instead`,
    });
  } else if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    findings.push({
      field: 'url',
      message: `${url.protocol} is not HTTP: write an https:// URL on your API's host`,
    });
  }
  if (url.username !== '' || url.password !== '') {
    url.username = '';
    url.password = '';
    findings.push({
      field: 'url',
      message: `remove the user name and password from the URL: the card's authentication sends the credentials. Write ${url.href} instead`,
    });
  }
}

function checkHeaders(headers: Record<string, string>, findings: ContractFinding[]): void {
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (lower === 'authorization') {
      findings.push({
        field: 'headers.authorization',
        message:
          'remove the Authorization header: pick Basic, Bearer or a named header on the card instead; a credential in the code is neither encrypted nor limited to your API’s host',
      });
    }
    if (lower === 'content-type' && value.split(';')[0]!.trim().toLowerCase() !== 'application/json') {
      findings.push({
        field: 'headers.content-type',
        message: `the body is sent as JSON, so Content-Type must be application/json, not ${briefJson(value)}: remove the header`,
      });
    }
  }
}

/**
 * What would make a call to the merchant's own API unsendable or unreadable.
 * @returns one finding per problem, naming the field and what to write instead
 */
export function checkCustomRequest(request: TransformedRequest, _region: ConnectorRegion): ContractFinding[] {
  const findings: ContractFinding[] = [];
  if (!(CUSTOM_METHODS as readonly string[]).includes(request.method)) {
    findings.push({
      field: 'method',
      message: `write webhook.method = "POST" (or "PUT" or "PATCH"), not ${briefJson(request.method)}`,
    });
  }
  checkUrl(request.url, findings);
  checkHeaders(request.headers, findings);
  if (request.payload === undefined || request.payload === null) {
    findings.push({
      field: 'payload',
      message: `must be JSON to send, not ${briefJson(request.payload)}: set webhook.payload to an object (or keep the event envelope), or set webhook.cancel = true to skip the event`,
    });
    return findings;
  }
  const size = bodyBytes(request.payload);
  if (!Number.isFinite(size)) {
    findings.push({
      field: 'payload',
      message:
        'cannot be written as JSON (a cycle or a BigInt?): build it from plain objects, strings and numbers',
    });
  } else if (size > MAX_BODY_BYTES) {
    findings.push({
      field: 'payload',
      message: `is ${(size / 1024).toFixed(1)} KB; Switchyard sends at most 1,024 KB: send fewer fields`,
    });
  }
  return findings;
}
