import type { TransformedRequest } from '../../sandbox/index.ts';
import type { ConnectorRegion, ContractFinding } from '../connector.ts';
import { isJsonObject, jsonByteLength } from '../json-value.ts';

/**
 * DataFast's payments contract. destinations.md §4f: `POST https://datafa.st/api/v1/payments`, Bearer
 * [unverified]. DataFast's own page (https://datafa.st/docs/api/website/payments/create) adds: Bearer token
 * ("Requires Bearer Token authentication"); `amount` (number, major units, ≥ 0; 0 = free trial), `currency`
 * (ISO code) and `transaction_id` (string, the idempotency key: a repeat returns a duplicate message, not a second
 * payment) are required; `datafast_visitor_id`, `email`/`customer_email`, `name`/`customer_name`, `customer_id`,
 * `renewal`, `refunded`, `is_free_trial` (booleans) and `timestamp` (ISO 8601) are optional. An older DataFast page
 * lists `datafast_visitor_id` as required; the current page says optional but "strongly recommended" — the check
 * follows the current page, the fake can be told to require it [unverified]. Amounts are major units, so
 * zero-decimal currencies (JPY, KRW, …) must not be divided by 100.
 */

export const DATAFAST_HOST = 'datafa.st';
export const PAYMENTS_PATH = '/api/v1/payments';
export const PAYMENTS_URL = `https://${DATAFAST_HOST}${PAYMENTS_PATH}`;
/** A conservative cap [unverified]; DataFast publishes none. */
export const BODY_MAX_BYTES = 64 * 1024;

/** ISO 4217 currencies without minor units (the Dodo DataFast page lists zero-decimal currencies). */
export const ZERO_DECIMAL_CURRENCIES = [
  'BIF',
  'CLP',
  'DJF',
  'GNF',
  'JPY',
  'KMF',
  'KRW',
  'MGA',
  'PYG',
  'RWF',
  'UGX',
  'VND',
  'VUV',
  'XAF',
  'XOF',
  'XPF',
] as const;

export interface DatafastProblem {
  field: string;
  message: string;
}

const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

export function paymentProblems(
  body: unknown,
  options: { requireVisitorId?: boolean } = {},
): DatafastProblem[] {
  if (!isJsonObject(body)) {
    return [
      { field: '', message: 'the body must be a JSON object like {"amount", "currency", "transaction_id"}' },
    ];
  }
  const problems: DatafastProblem[] = [];
  const { amount, currency } = body;
  if (typeof amount !== 'number' || !Number.isFinite(amount)) {
    problems.push({
      field: 'amount',
      message: `amount is required: a number in major units (29.99, not "29.99" or 2999)${typeof amount === 'string' ? `; write Number(${JSON.stringify(amount)})` : ''}`,
    });
  } else if (amount < 0) {
    problems.push({
      field: 'amount',
      message: 'amount must be zero or greater; record a refund with refunded: true',
    });
  }
  if (!nonEmpty(currency) || !/^[A-Za-z]{3}$/.test(currency)) {
    problems.push({ field: 'currency', message: 'currency is required: a 3-letter ISO code such as "USD"' });
  } else if (
    (ZERO_DECIMAL_CURRENCIES as readonly string[]).includes(currency.toUpperCase()) &&
    typeof amount === 'number' &&
    !Number.isInteger(amount)
  ) {
    problems.push({
      field: 'amount',
      message: `${currency.toUpperCase()} has no minor units, so amount must be a whole number: send the amount as it is, without dividing by 100`,
    });
  }
  if (!nonEmpty(body.transaction_id)) {
    problems.push({
      field: 'transaction_id',
      message: 'transaction_id is required: the payment id, e.g. data.payment_id',
    });
  }
  if (body.datafast_visitor_id !== undefined && !nonEmpty(body.datafast_visitor_id)) {
    problems.push({
      field: 'datafast_visitor_id',
      message: 'datafast_visitor_id must be a non-empty string, or left out',
    });
  } else if (options.requireVisitorId && body.datafast_visitor_id === undefined) {
    problems.push({ field: 'datafast_visitor_id', message: 'datafast_visitor_id is required' });
  }
  for (const key of ['renewal', 'refunded', 'is_free_trial'] as const) {
    if (body[key] !== undefined && typeof body[key] !== 'boolean') {
      problems.push({ field: key, message: `${key} must be true or false` });
    }
  }
  for (const key of ['email', 'customer_email', 'name', 'customer_name', 'customer_id'] as const) {
    if (body[key] !== undefined && typeof body[key] !== 'string') {
      problems.push({ field: key, message: `${key} must be a string` });
    }
  }
  if (
    body.timestamp !== undefined &&
    (typeof body.timestamp !== 'string' || Number.isNaN(Date.parse(body.timestamp)))
  ) {
    problems.push({
      field: 'timestamp',
      message: 'timestamp must be an ISO 8601 string such as webhook.payload.timestamp',
    });
  }
  return problems;
}

export function checkDatafastRequest(
  request: TransformedRequest,
  region: ConnectorRegion,
): ContractFinding[] {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return [{ field: 'url', message: `"${request.url}" is not a URL: write ${PAYMENTS_URL}` }];
  }
  if (url.protocol !== 'https:' || !region.hosts.includes(url.hostname) || url.pathname !== PAYMENTS_PATH) {
    return [
      {
        field: 'url',
        message: `${url.origin}${url.pathname} is not DataFast's payments API: write ${PAYMENTS_URL}`,
      },
    ];
  }
  const findings: ContractFinding[] = [];
  if (request.method !== 'POST') {
    findings.push({
      field: 'method',
      message: `${PAYMENTS_PATH} takes POST, not ${request.method}: set webhook.method = "POST"`,
    });
  }
  for (const problem of paymentProblems(request.payload)) {
    findings.push({
      field: problem.field ? `payload.${problem.field}` : 'payload',
      message: problem.message,
    });
  }
  const bytes = jsonByteLength(request.payload);
  if (bytes > BODY_MAX_BYTES)
    findings.push({ field: 'payload', message: `the body is ${bytes} bytes; keep it under 64 KB` });
  return findings;
}
