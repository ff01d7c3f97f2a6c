import type { TransformedRequest } from '../../sandbox/index.ts';
import type { ConnectorRegion, ContractFinding } from '../connector.ts';
import { briefJson, isJsonObject, jsonByteLength } from '../json-value.ts';

/**
 * Dub's `POST /track/sale` (shared/reference/destinations.md §4f: Bearer API key with `conversions.write`, the
 * endpoint from the Dodo page; nothing else is in the reference). The body fields below follow Dub's public API
 * reference **[unverified: not in destinations.md]**, so only what a sale cannot do without is required:
 * - `customerExternalId`: a non-empty string (the customer Dub knows from a tracked lead);
 * - `amount`: a non-negative integer in the currency's minor unit (cents), not a decimal string;
 * - optional `currency` (three letters), `eventName`, `paymentProcessor`, `invoiceId` (strings), `metadata` (object).
 * The body is held to 4.5 MB, the request-body limit of the platform Dub's API runs on **[unverified]**.
 */

export const DUB_MAX_BODY_BYTES = 4_500_000;
const STRING_FIELDS = ['eventName', 'paymentProcessor', 'invoiceId', 'leadEventName', 'clickId'] as const;

/** What is wrong with a `/track/sale` body; shared with the fake. */
export function saleProblems(payload: unknown): ContractFinding[] {
  if (!isJsonObject(payload)) {
    return [
      {
        field: 'payload',
        message: `must be a JSON object, not ${briefJson(payload)}: write { customerExternalId, amount, currency, ... }`,
      },
    ];
  }
  const findings: ContractFinding[] = [];
  const id = payload.customerExternalId;
  if (typeof id !== 'string' || id.trim() === '') {
    findings.push({
      field: 'payload.customerExternalId',
      message: `a sale needs the customer's external id as a non-empty string (it is ${briefJson(id)}): write data.customer.customer_id`,
    });
  }
  const amount = payload.amount;
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount < 0) {
    findings.push({
      field: 'payload.amount',
      message: `must be a non-negative integer in cents (it is ${briefJson(amount)}): write data.total_amount, not (x / 100).toFixed(2)`,
    });
  }
  if (
    payload.currency !== undefined &&
    !(typeof payload.currency === 'string' && /^[A-Za-z]{3}$/.test(payload.currency))
  ) {
    findings.push({
      field: 'payload.currency',
      message: `must be a three-letter ISO 4217 code such as "usd" (it is ${briefJson(payload.currency)}): write String(data.currency).toLowerCase()`,
    });
  }
  for (const name of STRING_FIELDS) {
    const value = payload[name];
    if (value !== undefined && value !== null && typeof value !== 'string') {
      findings.push({
        field: `payload.${name}`,
        message: `must be a string, not ${briefJson(value)}: write a string or remove it`,
      });
    }
  }
  if (payload.metadata !== undefined && payload.metadata !== null && !isJsonObject(payload.metadata)) {
    findings.push({
      field: 'payload.metadata',
      message: `must be a JSON object, not ${briefJson(payload.metadata)}: write { ... } or remove it`,
    });
  }
  const size = jsonByteLength(payload);
  if (size > DUB_MAX_BODY_BYTES) {
    findings.push({
      field: 'payload',
      message: `is ${(size / 1_000_000).toFixed(1)} MB; Dub refuses bodies over 4.5 MB (413): send less metadata`,
    });
  }
  return findings;
}

/**
 * What Dub would refuse in this request.
 * @returns one finding per problem, naming the field and what to write instead
 */
export function checkDubRequest(request: TransformedRequest, region: ConnectorRegion): ContractFinding[] {
  const findings: ContractFinding[] = [];
  const host = region.hosts[0] ?? 'api.dub.co';
  const expected = `https://${host}/track/sale`;
  if (request.method !== 'POST') {
    findings.push({
      field: 'method',
      message: `Dub's /track/sale takes POST: write webhook.method = "POST" (not ${briefJson(request.method)})`,
    });
  }
  let url: URL | undefined;
  try {
    url = new URL(request.url);
  } catch {
    findings.push({
      field: 'url',
      message: `${briefJson(request.url)} is not a URL: write webhook.url = "${expected}"`,
    });
  }
  if (url) {
    if (!region.hosts.includes(url.hostname) || url.protocol !== 'https:' || url.port !== '') {
      findings.push({
        field: 'url',
        message: `Dub's API is ${expected}, not ${url.protocol}//${url.host}: write webhook.url = "${expected}"`,
      });
    }
    if (url.username !== '' || url.password !== '') {
      findings.push({
        field: 'url',
        message: `remove the user name and password: Switchyard sends the API key from the card as Bearer. Write ${expected}`,
      });
    }
    if (url.pathname !== '/track/sale') {
      findings.push({
        field: 'url',
        message: `this card tracks sales: ${briefJson(url.pathname)} is not /track/sale. Write webhook.url = "${expected}" (or skip the event with webhook.cancel = true)`,
      });
    }
  }
  for (const name of Object.keys(request.headers)) {
    if (name.toLowerCase() === 'authorization') {
      findings.push({
        field: 'headers.authorization',
        message:
          'remove the Authorization header: Switchyard sends the API key from the card as Bearer, encrypted at rest',
      });
    }
  }
  findings.push(...saleProblems(request.payload));
  return findings;
}
