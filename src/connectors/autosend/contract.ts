import type { TransformedRequest } from '../../sandbox/index.ts';
import type { ConnectorRegion, ContractFinding } from '../connector.ts';
import { isJsonObject, jsonByteLength } from '../json-value.ts';

/**
 * AutoSend's send contract. destinations.md §4f: `POST https://api.autosend.com/v1/mails/send`, Bearer
 * [unverified], nothing else. AutoSend's API reference (https://docs.autosend.com/api-reference/mails) adds:
 * `Authorization: Bearer <key>`; `to` and `from` are objects `{email, name?}`; "Either templateId OR html/text
 * content must be provided. If using a template, subject is optional"; optional `cc`/`bcc` arrays of `{email,
 * name?}`, `replyTo {email}` and `dynamicData` (object); success `{success: true, message, data: {emailId,
 * status: "queued"}}`. Assumptions [unverified], kept conservative: without a template `subject` is required; `to`
 * must be a single object (not an array or a string); a 1 MB body cap.
 */

export const AUTOSEND_HOST = 'api.autosend.com';
export const SEND_PATH = '/v1/mails/send';
export const SEND_URL = `https://${AUTOSEND_HOST}${SEND_PATH}`;
export const BODY_MAX_BYTES = 1024 * 1024;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export interface AutosendProblem {
  field: string;
  message: string;
}

const nonEmpty = (value: unknown): value is string => typeof value === 'string' && value.trim() !== '';

function contactProblems(value: unknown, field: string): AutosendProblem[] {
  if (typeof value === 'string') {
    return [{ field, message: `${field} must be an object: write {"email": ${JSON.stringify(value)}}` }];
  }
  if (Array.isArray(value)) {
    return [
      {
        field,
        message: `${field} must be one {email, name} object, not an array: send one email per recipient`,
      },
    ];
  }
  if (!isJsonObject(value))
    return [{ field, message: `${field} is required: {"email": "...", "name": "..."}` }];
  const problems: AutosendProblem[] = [];
  if (typeof value.email !== 'string' || !EMAIL.test(value.email)) {
    problems.push({ field: `${field}.email`, message: `${field}.email must be an email address` });
  }
  if (value.name !== undefined && typeof value.name !== 'string') {
    problems.push({ field: `${field}.name`, message: `${field}.name must be a string` });
  }
  return problems;
}

export function mailProblems(body: unknown): AutosendProblem[] {
  if (!isJsonObject(body)) {
    return [
      {
        field: '',
        message:
          'the body must be a JSON object like {"to": {"email"}, "from": {"email"}, "subject", "html"}',
      },
    ];
  }
  const problems: AutosendProblem[] = [
    ...contactProblems(body.to, 'to'),
    ...contactProblems(body.from, 'from'),
  ];
  for (const key of ['cc', 'bcc'] as const) {
    if (body[key] === undefined) continue;
    const list = body[key];
    if (!Array.isArray(list)) {
      problems.push({ field: key, message: `${key} must be an array of {email, name} objects` });
      continue;
    }
    for (const [index, entry] of list.entries()) problems.push(...contactProblems(entry, `${key}[${index}]`));
  }
  if (body.replyTo !== undefined) problems.push(...contactProblems(body.replyTo, 'replyTo'));
  const hasTemplate = body.templateId !== undefined;
  if (hasTemplate && !nonEmpty(body.templateId)) {
    problems.push({ field: 'templateId', message: 'templateId must be a non-empty string' });
  }
  if (!hasTemplate) {
    if (!nonEmpty(body.html) && !nonEmpty(body.text)) {
      problems.push({ field: 'html', message: 'give html or text content, or a templateId' });
    }
    if (!nonEmpty(body.subject))
      problems.push({ field: 'subject', message: 'subject is required when no templateId is used' });
  }
  if (body.dynamicData !== undefined && !isJsonObject(body.dynamicData)) {
    problems.push({ field: 'dynamicData', message: 'dynamicData must be an object of template variables' });
  }
  return problems;
}

export function checkAutosendRequest(
  request: TransformedRequest,
  region: ConnectorRegion,
): ContractFinding[] {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return [{ field: 'url', message: `"${request.url}" is not a URL: write ${SEND_URL}` }];
  }
  if (url.protocol !== 'https:' || !region.hosts.includes(url.hostname) || url.pathname !== SEND_PATH) {
    return [
      {
        field: 'url',
        message: `${url.origin}${url.pathname} is not AutoSend's send endpoint: write ${SEND_URL}`,
      },
    ];
  }
  const findings: ContractFinding[] = [];
  if (request.method !== 'POST') {
    findings.push({
      field: 'method',
      message: `${SEND_PATH} takes POST, not ${request.method}: set webhook.method = "POST"`,
    });
  }
  for (const problem of mailProblems(request.payload)) {
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
