import type { TransformedRequest } from '../../sandbox/index.ts';
import type { ConnectorRegion, ContractFinding } from '../connector.ts';
import { isJsonObject, jsonByteLength } from '../json-value.ts';

/**
 * Resend's Send Email contract (shared/reference/destinations.md §4c). The same rules serve `checkResendRequest`
 * before any network call and the fake in `fake.ts`, so the two cannot disagree.
 */

export const RESEND_HOST = 'api.resend.com';
export const EMAILS_PATH = '/emails';
export const BATCH_PATH = '/emails/batch';
/** [unverified] (destinations.md): at most 50 recipients in `to`. Enforced conservatively. */
export const MAX_TO = 50;
/** [unverified] (destinations.md): at most 100 emails in a batch. Enforced conservatively. */
export const MAX_BATCH = 100;
/** `Idempotency-Key`: 1–256 characters. */
export const IDEMPOTENCY_KEY_MAX = 256;
/**
 * [unverified]: destinations.md gives no body limit; Resend's attachment page states 40 MB per email after
 * Base64 encoding. The fake and the check refuse larger bodies, the conservative side.
 */
export const MAX_BODY_BYTES = 40 * 1024 * 1024;

export interface EmailProblem {
  field: string;
  message: string;
}

/** `a@b.co` or `Name <a@b.co>`. */
const ADDRESS = /^(?:[^<>]*<\s*[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+\s*>|[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+)$/;

export function isEmailAddress(value: unknown): boolean {
  return typeof value === 'string' && ADDRESS.test(value.trim());
}

function addressList(value: unknown, field: string, required: boolean, max?: number): EmailProblem[] {
  if (value === undefined || value === null) {
    return required
      ? [{ field, message: `${field} is required: write the recipient's address (or an array of addresses)` }]
      : [];
  }
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) {
    return [{ field, message: `${field} is empty: add at least one address` }];
  }
  if (max !== undefined && list.length > max) {
    return [{ field, message: `${field} has ${list.length} addresses; send at most ${max} per email` }];
  }
  const bad = list.findIndex((address) => !isEmailAddress(address));
  if (bad >= 0) {
    return [
      {
        field: Array.isArray(value) ? `${field}[${bad}]` : field,
        message: `${JSON.stringify(list[bad])} is not an email address: write "a@example.com" or "Name <a@example.com>"`,
      },
    ];
  }
  return [];
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

/** What Resend refuses in one email (`POST /emails`, or one item of a batch). */
export function emailProblems(email: unknown, prefix = '', inBatch = false): EmailProblem[] {
  const at = (field: string) => (prefix === '' ? field : `${prefix}.${field}`);
  if (!isJsonObject(email)) {
    return [
      {
        field: prefix || 'payload',
        message: 'the email must be a JSON object: set from, to, subject and html or text',
      },
    ];
  }
  const problems: EmailProblem[] = [];
  if (!isEmailAddress(email.from)) {
    problems.push({
      field: at('from'),
      message:
        email.from === undefined
          ? `${at('from')} is required: write a sender on your verified domain, e.g. "Billing <billing@yourdomain.com>"`
          : `${at('from')} must be "a@example.com" or "Name <a@example.com>", not ${JSON.stringify(email.from)}`,
    });
  }
  problems.push(...addressList(email.to, at('to'), true, MAX_TO));
  problems.push(...addressList(email.cc, at('cc'), false));
  problems.push(...addressList(email.bcc, at('bcc'), false));
  problems.push(...addressList(email.reply_to, at('reply_to'), false));
  if (!nonEmptyString(email.subject)) {
    problems.push({ field: at('subject'), message: `${at('subject')} is required: set a non-empty string` });
  }
  const bodies = ['html', 'text', 'react'].filter((key) => email[key] !== undefined && email[key] !== null);
  if (bodies.length === 0) {
    problems.push({
      field: at('html'),
      message: `the email has no content: set ${at('html')} or ${at('text')}`,
    });
  }
  for (const key of ['html', 'text']) {
    if (email[key] !== undefined && email[key] !== null && typeof email[key] !== 'string') {
      problems.push({ field: at(key), message: `${at(key)} must be a string` });
    }
  }
  if (email.tags !== undefined) {
    const tags = email.tags;
    const ok =
      Array.isArray(tags) &&
      tags.every(
        (tag) =>
          isJsonObject(tag) &&
          typeof tag.name === 'string' &&
          /^[A-Za-z0-9_-]{1,256}$/.test(tag.name) &&
          typeof tag.value === 'string' &&
          /^[A-Za-z0-9_-]{1,256}$/.test(tag.value),
      );
    if (!ok) {
      problems.push({
        field: at('tags'),
        message: `${at('tags')} must be an array of {name, value} of ASCII letters, digits, _ and -: write e.g. [{"name":"event","value":"payment_succeeded"}]`,
      });
    }
  }
  if (inBatch) {
    for (const key of ['attachments', 'scheduled_at']) {
      if (email[key] !== undefined) {
        problems.push({
          field: at(key),
          message: `the batch endpoint takes no ${key}: remove it or send the email to /emails`,
        });
      }
    }
  }
  return problems;
}

/** What Resend refuses in a request body for `path`. */
export function bodyProblems(path: string, body: unknown): EmailProblem[] {
  if (path === BATCH_PATH) {
    if (!Array.isArray(body) || body.length === 0) {
      return [{ field: 'payload', message: 'a batch must be a non-empty JSON array of emails' }];
    }
    if (body.length > MAX_BATCH) {
      return [
        {
          field: 'payload',
          message: `a batch has at most ${MAX_BATCH} emails, not ${body.length}: split it`,
        },
      ];
    }
    return body.flatMap((email, index) => emailProblems(email, `payload[${index}]`, true));
  }
  return emailProblems(body, 'payload');
}

export function idempotencyKeyProblem(key: string | undefined): string | undefined {
  if (key === undefined) return undefined;
  if (key.length < 1 || key.length > IDEMPOTENCY_KEY_MAX) {
    return `the Idempotency-Key must be 1 to ${IDEMPOTENCY_KEY_MAX} characters, not ${key.length}`;
  }
  return undefined;
}

function headerValue(headers: Record<string, string>, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value;
  return undefined;
}

export function checkResendRequest(request: TransformedRequest, region: ConnectorRegion): ContractFinding[] {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return [
      { field: 'url', message: `"${request.url}" is not a URL: write https://${RESEND_HOST}${EMAILS_PATH}` },
    ];
  }
  const findings: ContractFinding[] = [];
  if (url.protocol !== 'https:') {
    findings.push({
      field: 'url',
      message: `Resend is HTTPS only: write https://${url.host}${url.pathname}`,
    });
  }
  if (!region.hosts.includes(url.hostname)) {
    findings.push({
      field: 'url',
      message: `Resend's API is at ${region.hosts.join(', ')}, not ${url.hostname}: write https://${RESEND_HOST}${EMAILS_PATH}`,
    });
  }
  if (url.pathname !== EMAILS_PATH && url.pathname !== BATCH_PATH) {
    findings.push({
      field: 'url',
      message: `${url.pathname} is not Resend's send endpoint: write ${EMAILS_PATH} (or ${BATCH_PATH})`,
    });
    return findings;
  }
  if (request.method !== 'POST') {
    findings.push({
      field: 'method',
      message: `Resend sends email with POST, not ${request.method}: set webhook.method = "POST"`,
    });
  }
  const keyProblem = idempotencyKeyProblem(headerValue(request.headers, 'idempotency-key'));
  if (keyProblem)
    findings.push({ field: 'headers.idempotency-key', message: `${keyProblem}: shorten it or remove it` });
  findings.push(...bodyProblems(url.pathname, request.payload));
  const bytes = jsonByteLength(request.payload);
  if (bytes > MAX_BODY_BYTES) {
    findings.push({
      field: 'payload',
      message: `the email is ${bytes} bytes; Resend takes at most 40 MB: shorten it or send attachments by path`,
    });
  }
  return findings;
}
