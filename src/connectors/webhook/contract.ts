import type { TransformedRequest } from '../../sandbox/index.ts';
import type { ConnectorRegion, ContractFinding } from '../connector.ts';
import { briefJson } from '../json-value.ts';

/**
 * The contract of the plain webhook card: a signed Standard Webhooks POST
 * (`standard-webhooks/standard-webhooks:spec/standard-webhooks.md`, shared/reference/delivery-semantics.md §4
 * and §6) to the merchant's endpoint. No credentials travel with it: the signature (`webhook-id`,
 * `webhook-timestamp`, `webhook-signature`) is the authentication, so the host rule does not apply.
 * - POST only: a Standard Webhooks delivery is a POST (the default template never changes it);
 * - an absolute http(s) URL (HTTPS is recommended by the spec but not required: plain endpoints take http too);
 * - a JSON body (the signature covers the exact JSON bytes sent), no non-JSON `Content-Type` from the code;
 * - the body at most 1,024 KB. The spec recommends < 20 KB; Svix Cloud documents ~350 KB; a receiver's own
 *   limit is unknown, so this cap is conservative only against runaway code.
 */

export const MAX_BODY_BYTES = 1024 * 1024;

export function bodyBytes(payload: unknown): number {
  try {
    return Buffer.byteLength(JSON.stringify(payload) ?? '', 'utf8');
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

/**
 * What would make the signed POST unsendable or unreadable by a Standard Webhooks receiver.
 * @returns one finding per problem, naming the field and what to write instead
 */
export function checkWebhookRequest(
  request: TransformedRequest,
  _region: ConnectorRegion,
): ContractFinding[] {
  const findings: ContractFinding[] = [];
  if (request.method !== 'POST') {
    findings.push({
      field: 'method',
      message: `a Standard Webhooks delivery is a POST: write webhook.method = "POST" (not ${briefJson(request.method)})`,
    });
  }
  let url: URL | undefined;
  try {
    url = new URL(request.url);
  } catch {
    findings.push({
      field: 'url',
      message: `${briefJson(request.url)} is not a URL: keep webhook.url (the endpoint's URL) or write an absolute https:// URL`,
    });
  }
  if (url && url.protocol !== 'https:' && url.protocol !== 'http:') {
    findings.push({
      field: 'url',
      message: `${url.protocol} is not HTTP: write an https:// URL`,
    });
  }
  for (const [name, value] of Object.entries(request.headers)) {
    const lower = name.toLowerCase();
    if (lower === 'content-type' && value.split(';')[0]!.trim().toLowerCase() !== 'application/json') {
      findings.push({
        field: 'headers.content-type',
        message: `the body is sent as JSON, so Content-Type must be application/json, not ${briefJson(value)}: remove the header`,
      });
    }
    if (lower.startsWith('webhook-')) {
      findings.push({
        field: `headers.${lower}`,
        message: `remove it: ${lower} is set by the delivery when it signs the request`,
      });
    }
  }
  if (request.payload === undefined || request.payload === null) {
    findings.push({
      field: 'payload',
      message: `must be JSON to send, not ${briefJson(request.payload)}: keep the event envelope, or set webhook.cancel = true to skip the event`,
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
      message: `is ${(size / 1024).toFixed(1)} KB; Switchyard sends at most 1,024 KB (Standard Webhooks recommends under 20 KB): send fewer fields`,
    });
  }
  return findings;
}
