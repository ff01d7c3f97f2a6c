import type { TransformedRequest } from '../../sandbox/index.ts';
import type { ConnectorRegion, ContractFinding } from '../connector.ts';
import { isJsonObject, jsonByteLength } from '../json-value.ts';

/**
 * SendGrid's v3 Mail Send contract (shared/reference/destinations.md §4d). The same rules serve
 * `checkSendgridRequest` before any network call and the fake in `fake.ts`, so the two cannot disagree.
 */

export const SENDGRID_HOST = 'api.sendgrid.com';
export const SENDGRID_EU_HOST = 'api.eu.sendgrid.com';
export const MAIL_SEND_PATH = '/v3/mail/send';
export const MAX_PERSONALIZATIONS = 1000;
export const MAX_RECIPIENTS = 1000;
/** SendGrid's Mail Send reference: at most 10 categories, each at most 255 characters. */
export const MAX_CATEGORIES = 10;
export const CATEGORY_MAX_CHARS = 255;
/**
 * [unverified] (destinations.md: "about 30 MB"): the total message size. Enforced as 30,000,000 bytes of
 * JSON, the conservative reading, by both the check and the fake.
 */
export const MAX_BODY_BYTES = 30_000_000;

/** One entry of SendGrid's 400 body `{"errors":[{field, message, help?}]}`. */
export interface MailProblem {
  field: string;
  message: string;
}

const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

/** `{email, name?}` */
function addressProblems(value: unknown, field: string): MailProblem[] {
  if (!isJsonObject(value)) {
    return [{ field, message: `${field} must be an object like {"email": "a@example.com", "name": "Ada"}` }];
  }
  if (typeof value.email !== 'string' || !EMAIL.test(value.email)) {
    return [
      {
        field: `${field}.email`,
        message: `${field}.email must be a bare address like "a@example.com" (put the display name in ${field}.name), not ${JSON.stringify(value.email)}`,
      },
    ];
  }
  if (value.name !== undefined && typeof value.name !== 'string') {
    return [{ field: `${field}.name`, message: `${field}.name must be a string` }];
  }
  return [];
}

function addressListProblems(value: unknown, field: string, required: boolean): MailProblem[] {
  if (value === undefined) {
    return required ? [{ field, message: `${field} is required: add at least one {"email": "..."}` }] : [];
  }
  if (!Array.isArray(value) || value.length === 0) {
    return [
      {
        field,
        message: `${field} must be a non-empty array of {"email": "..."}: add one or remove the field`,
      },
    ];
  }
  return value.flatMap((address, index) => addressProblems(address, `${field}[${index}]`));
}

/** What SendGrid refuses in a Mail Send body. */
export function mailProblems(body: unknown): MailProblem[] {
  if (!isJsonObject(body)) {
    return [
      {
        field: 'payload',
        message: 'the body must be a JSON object: set personalizations, from, subject and content',
      },
    ];
  }
  const problems: MailProblem[] = [];
  const usesTemplate = nonEmptyString(body.template_id);
  const personalizations = body.personalizations;
  let everyHasSubject = false;
  if (!Array.isArray(personalizations) || personalizations.length === 0) {
    problems.push({
      field: 'personalizations',
      message: 'personalizations is required: write [{"to": [{"email": "a@example.com"}]}]',
    });
  } else if (personalizations.length > MAX_PERSONALIZATIONS) {
    problems.push({
      field: 'personalizations',
      message: `at most ${MAX_PERSONALIZATIONS} personalizations per request, not ${personalizations.length}: split the send`,
    });
  } else {
    const seen = new Set<string>();
    let recipients = 0;
    everyHasSubject = true;
    personalizations.forEach((p, index) => {
      const field = `personalizations[${index}]`;
      if (!isJsonObject(p)) {
        problems.push({ field, message: `${field} must be an object with a "to" array` });
        everyHasSubject = false;
        return;
      }
      if (!nonEmptyString(p.subject)) everyHasSubject = false;
      for (const kind of ['to', 'cc', 'bcc']) {
        const listProblems = addressListProblems(p[kind], `${field}.${kind}`, kind === 'to');
        problems.push(...listProblems);
        if (listProblems.length > 0 || !Array.isArray(p[kind])) continue;
        for (const [i, address] of (p[kind] as { email: string }[]).entries()) {
          recipients++;
          const key = address.email.toLowerCase();
          if (seen.has(key)) {
            problems.push({
              field: `${field}.${kind}[${i}].email`,
              message: `${address.email} appears more than once in the request: remove the duplicate`,
            });
          }
          seen.add(key);
        }
      }
    });
    if (recipients > MAX_RECIPIENTS) {
      problems.push({
        field: 'personalizations',
        message: `${recipients} recipients; SendGrid takes at most ${MAX_RECIPIENTS} per request: split the send`,
      });
    }
  }
  if (body.from === undefined) {
    problems.push({
      field: 'from',
      message: 'from is required: write {"email": "billing@yourdomain.com"} (a verified sender)',
    });
  } else {
    problems.push(...addressProblems(body.from, 'from'));
  }
  if (body.reply_to !== undefined) problems.push(...addressProblems(body.reply_to, 'reply_to'));
  if (!usesTemplate && !nonEmptyString(body.subject) && !everyHasSubject) {
    problems.push({
      field: 'subject',
      message: 'subject is required: set it here or in every personalization (or use a template_id)',
    });
  }
  if (body.content === undefined) {
    if (!usesTemplate) {
      problems.push({
        field: 'content',
        message: 'content is required: write [{"type": "text/plain", "value": "..."}] (or use a template_id)',
      });
    }
  } else if (!Array.isArray(body.content) || body.content.length === 0) {
    problems.push({ field: 'content', message: 'content must be a non-empty array of {"type", "value"}' });
  } else {
    body.content.forEach((item, index) => {
      const field = `content[${index}]`;
      if (!isJsonObject(item) || !nonEmptyString(item.type) || !nonEmptyString(item.value)) {
        problems.push({
          field,
          message: `${field} must be {"type": "text/plain" | "text/html", "value": a non-empty string}`,
        });
      }
    });
    const types = body.content.map((item) => (isJsonObject(item) ? item.type : undefined));
    const plain = types.indexOf('text/plain');
    const html = types.indexOf('text/html');
    if (plain > 0 || (html >= 0 && html !== (plain === 0 ? 1 : 0))) {
      problems.push({
        field: 'content',
        message: 'text/plain must come first and text/html next: reorder content',
      });
    }
  }
  if (body.categories !== undefined) {
    const categories = body.categories;
    if (
      !Array.isArray(categories) ||
      categories.length > MAX_CATEGORIES ||
      !categories.every((c) => typeof c === 'string' && c.length > 0 && c.length <= CATEGORY_MAX_CHARS)
    ) {
      problems.push({
        field: 'categories',
        message: `categories must be an array of at most ${MAX_CATEGORIES} strings of 1 to ${CATEGORY_MAX_CHARS} characters`,
      });
    }
  }
  if (body.custom_args !== undefined) {
    if (
      !isJsonObject(body.custom_args) ||
      !Object.values(body.custom_args).every((v) => typeof v === 'string')
    ) {
      problems.push({
        field: 'custom_args',
        message: 'custom_args values must all be strings: write String(value)',
      });
    }
  }
  if (
    body.send_at !== undefined &&
    !(typeof body.send_at === 'number' && Number.isSafeInteger(body.send_at))
  ) {
    problems.push({ field: 'send_at', message: 'send_at must be an integer of Unix seconds' });
  }
  return problems;
}

export function checkSendgridRequest(
  request: TransformedRequest,
  region: ConnectorRegion,
): ContractFinding[] {
  const host = region.hosts[0] ?? SENDGRID_HOST;
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return [
      { field: 'url', message: `"${request.url}" is not a URL: write https://${host}${MAIL_SEND_PATH}` },
    ];
  }
  const findings: ContractFinding[] = [];
  if (url.protocol !== 'https:') {
    findings.push({
      field: 'url',
      message: `SendGrid is HTTPS only: write https://${url.host}${url.pathname}`,
    });
  }
  if (!region.hosts.includes(url.hostname)) {
    findings.push({
      field: 'url',
      message: `this card's region sends to ${region.hosts.join(', ')}, not ${url.hostname}: write https://${host}${MAIL_SEND_PATH}`,
    });
  }
  if (url.pathname !== MAIL_SEND_PATH) {
    findings.push({
      field: 'url',
      message: `${url.pathname} is not Mail Send: write https://${host}${MAIL_SEND_PATH}`,
    });
    return findings;
  }
  if (request.method !== 'POST') {
    findings.push({
      field: 'method',
      message: `Mail Send takes POST, not ${request.method}: set webhook.method = "POST"`,
    });
  }
  findings.push(
    ...mailProblems(request.payload).map((p) => ({
      field: `payload.${p.field}`.replace('payload.payload', 'payload'),
      message: p.message,
    })),
  );
  const bytes = jsonByteLength(request.payload);
  if (bytes > MAX_BODY_BYTES) {
    findings.push({
      field: 'payload',
      message: `the message is ${bytes} bytes; SendGrid takes about 30 MB at most: shorten it`,
    });
  }
  return findings;
}
