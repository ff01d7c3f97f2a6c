import type { TransformedRequest } from '../../sandbox/index.ts';
import type { ConnectorRegion, ContractFinding } from '../connector.ts';
import { briefJson, isJsonObject } from '../json-value.ts';

/**
 * Zapier's "Webhooks by Zapier" Catch Hook (shared/reference/destinations.md §3d). The URL the merchant pastes is
 * the secret; the transformation builds a flat JSON object whose keys become the Zap's fields. The rules are used
 * twice: by `checkZapierRequest` before any network call and by the fake in `fake.ts`.
 *
 * Zapier takes POST, PUT or GET; a GET carries no body, so only POST and PUT are allowed here. The 2 MB limit is
 * documented for Catch Raw Hook; it is applied to every catch hook, conservatively.
 */

export const ZAPIER_HOST = 'hooks.zapier.com';
/** `/hooks/catch/<userId>/<hookId>/`; legacy URLs have no user id. The trailing slash is optional. */
export const ZAPIER_PATH = /^\/hooks\/catch\/(?:(\d+)\/)?([A-Za-z0-9]+)\/?$/;
export const MAX_BODY_BYTES = 2 * 1024 * 1024;
export const ZAPIER_METHODS = ['POST', 'PUT'] as const;

export function bodyBytes(payload: unknown): number {
  return Buffer.byteLength(JSON.stringify(payload) ?? '', 'utf8');
}

/** What Zapier would refuse in a catch-hook body; `field` is dotted from `payload`. */
export function zapierPayloadProblems(payload: unknown): ContractFinding[] {
  if (!isJsonObject(payload)) {
    return [
      {
        field: 'payload',
        message: `must be a JSON object whose keys become the Zap's fields, not ${briefJson(payload)}: build it as { event_type, customer_email, amount, ... }`,
      },
    ];
  }
  const size = bodyBytes(payload);
  if (size > MAX_BODY_BYTES) {
    return [
      {
        field: 'payload',
        message: `is ${(size / 1024 / 1024).toFixed(2)} MB; Zapier takes at most 2 MB: send fewer or shorter fields`,
      },
    ];
  }
  return [];
}

/**
 * What Zapier would refuse in this request: a URL that is not a catch-hook URL, a method it does not take with a
 * body, a body that is not a JSON object or is over 2 MB.
 * @returns one finding per problem, naming the field and what to write instead
 */
export function checkZapierRequest(request: TransformedRequest, region: ConnectorRegion): ContractFinding[] {
  const findings: ContractFinding[] = [];
  const example = `https://${ZAPIER_HOST}/hooks/catch/<userId>/<hookId>/`;
  if (!(ZAPIER_METHODS as readonly string[]).includes(request.method)) {
    findings.push({
      field: 'method',
      message: `a catch hook takes POST or PUT with a body: write webhook.method = "POST" (not ${briefJson(request.method)})`,
    });
  }
  let url: URL | undefined;
  try {
    url = new URL(request.url);
  } catch {
    findings.push({
      field: 'url',
      message: `${briefJson(request.url)} is not a URL: keep webhook.url, the catch-hook URL pasted on the card (${example})`,
    });
  }
  if (url) {
    if (!region.hosts.includes(url.hostname) || url.protocol !== 'https:' || url.port !== '') {
      findings.push({
        field: 'url',
        message: `${url.origin} is not Zapier's webhook host: keep webhook.url as pasted on the card (${example}); do not set it in the code`,
      });
    }
    if (!ZAPIER_PATH.test(url.pathname)) {
      findings.push({
        field: 'url',
        message: `${briefJson(url.pathname)} is not a catch-hook path: paste the whole webhook URL from the Zap's "Catch Hook" trigger (${example}) on the card and keep webhook.url`,
      });
    }
  }
  for (const name of Object.keys(request.headers)) {
    if (name.toLowerCase() === 'authorization') {
      findings.push({
        field: 'headers.authorization',
        message:
          'remove it: the catch-hook URL is the credential, and Zapier would pass the header on to the Zap',
      });
    }
  }
  findings.push(...zapierPayloadProblems(request.payload));
  return findings;
}
