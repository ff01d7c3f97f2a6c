import type { TransformedRequest } from '../../sandbox/index.ts';
import type { ConnectorRegion, ContractFinding } from '../connector.ts';
import { isJsonObject, jsonByteLength } from '../json-value.ts';

/**
 * Keplars' send contract. destinations.md §4f has nothing beyond the Dodo sample; the Dodo page
 * (`integrations/keplars.mdx`) states: Bearer API key; `to` must be an array, even for one recipient; with
 * `template_id` do not also send `subject` or `body` (the template supplies them). The official SDKs send
 * `{to, from, subject, body | template_id, params, cc, bcc, from_name, is_html}`. Assumptions [unverified], kept
 * conservative: `from` is required (a verified sender); without a template both `subject` and `body` are
 * required; `params` is an object; at most 50 recipients; a 1 MB body cap.
 */

export const KEPLARS_HOST = 'api.keplars.com';
/** The priority queues the SDKs name; the Dodo card uses `high`. */
export const SEND_PATHS = [
  '/api/v1/send-email/instant',
  '/api/v1/send-email/high',
  '/api/v1/send-email/async',
  '/api/v1/send-email/bulk',
] as const;
export const SEND_URL = `https://${KEPLARS_HOST}/api/v1/send-email/high`;
export const MAX_RECIPIENTS = 50;
export const BODY_MAX_BYTES = 1024 * 1024;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface KeplarsProblem {
  field: string;
  message: string;
}

const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

function addressProblems(value: unknown, field: string, required: boolean): KeplarsProblem[] {
  if (value === undefined && !required) return [];
  if (typeof value === 'string') {
    return [
      {
        field,
        message: `${field} must be an array, even for one recipient: write [${JSON.stringify(value)}]`,
      },
    ];
  }
  if (!Array.isArray(value) || (required && value.length === 0)) {
    return [
      { field, message: `${field} is required: an array of email addresses, e.g. ["ada@example.com"]` },
    ];
  }
  const problems: KeplarsProblem[] = [];
  if (value.length > MAX_RECIPIENTS) {
    problems.push({
      field,
      message: `${field} has ${value.length} addresses; send at most ${MAX_RECIPIENTS} per request`,
    });
  }
  value.forEach((address, index) => {
    if (typeof address !== 'string' || !EMAIL.test(address)) {
      problems.push({
        field: `${field}[${index}]`,
        message: `${field}[${index}] is not an email address: ${JSON.stringify(address) ?? 'undefined'}`,
      });
    }
  });
  return problems;
}

export function sendProblems(body: unknown): KeplarsProblem[] {
  if (!isJsonObject(body)) {
    return [
      { field: '', message: 'the body must be a JSON object like {"to": [..], "from", "subject", "body"}' },
    ];
  }
  const problems: KeplarsProblem[] = [
    ...addressProblems(body.to, 'to', true),
    ...addressProblems(body.cc, 'cc', false),
    ...addressProblems(body.bcc, 'bcc', false),
  ];
  if (!nonEmpty(body.from) || !EMAIL.test(body.from)) {
    problems.push({
      field: 'from',
      message: 'from is required: a sender address on a domain verified in Keplars (Domains)',
    });
  }
  if (body.template_id !== undefined) {
    if (!nonEmpty(body.template_id))
      problems.push({ field: 'template_id', message: 'template_id must be a non-empty string' });
    for (const key of ['subject', 'body'] as const) {
      if (body[key] !== undefined) {
        problems.push({
          field: key,
          message: `with template_id, leave ${key} out: the template supplies it`,
        });
      }
    }
    if (body.params !== undefined && !isJsonObject(body.params)) {
      problems.push({ field: 'params', message: 'params must be an object of template variables' });
    }
  } else {
    if (!nonEmpty(body.subject))
      problems.push({ field: 'subject', message: 'subject is required (or send a template_id)' });
    if (!nonEmpty(body.body))
      problems.push({
        field: 'body',
        message: 'body is required: the email content (or send a template_id)',
      });
  }
  if (body.is_html !== undefined && typeof body.is_html !== 'boolean') {
    problems.push({ field: 'is_html', message: 'is_html must be true or false' });
  }
  return problems;
}

export function checkKeplarsRequest(request: TransformedRequest, region: ConnectorRegion): ContractFinding[] {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return [{ field: 'url', message: `"${request.url}" is not a URL: write ${SEND_URL}` }];
  }
  if (url.protocol !== 'https:' || !region.hosts.includes(url.hostname)) {
    return [{ field: 'url', message: `${url.origin} is not Keplars' API: write ${SEND_URL}` }];
  }
  if (!(SEND_PATHS as readonly string[]).includes(url.pathname)) {
    return [{ field: 'url', message: `${url.pathname} is not a Keplars send endpoint: write ${SEND_URL}` }];
  }
  const findings: ContractFinding[] = [];
  if (request.method !== 'POST') {
    findings.push({
      field: 'method',
      message: `Keplars sends with POST, not ${request.method}: set webhook.method = "POST"`,
    });
  }
  for (const problem of sendProblems(request.payload)) {
    findings.push({
      field: problem.field ? `payload.${problem.field}` : 'payload',
      message: problem.message,
    });
  }
  const bytes = jsonByteLength(request.payload);
  if (bytes > BODY_MAX_BYTES)
    findings.push({ field: 'payload', message: `the body is ${bytes} bytes; keep it under 1 MB` });
  return findings;
}
