import type { TransformedRequest } from '../../sandbox/index.ts';
import type { ConnectorRegion, ContractFinding } from '../connector.ts';
import { isJsonObject } from '../json-value.ts';

/**
 * Close CRM's API contract for the card's two endpoints (shared/reference/destinations.md §4b, and Close's API
 * reference for the fields: https://developer.close.com/api/resources/contacts/create and
 * …/opportunities/create). `lead_id` is optional on both since 2025-02-14 (Close's changelog: a new lead is
 * created). The reference documents no size or field limits; the field lists below are Close's documented
 * fields, and anything else except `custom.cf_…` is refused — the conservative side [unverified: Close may
 * ignore unknown fields rather than reject them]. The same rules serve the check and the fake.
 */

export const CLOSE_HOST = 'api.close.com';
export const CONTACT_PATH = '/api/v1/contact/';
export const OPPORTUNITY_PATH = '/api/v1/opportunity/';
export const EMAIL_TYPES = ['office', 'home', 'direct', 'mobile', 'fax', 'other'] as const;
export const VALUE_PERIODS = ['one_time', 'monthly', 'annual'] as const;
export const CONTACT_FIELDS = [
  'lead_id',
  'name',
  'title',
  'emails',
  'phones',
  'urls',
  'date_of_birth',
] as const;
export const OPPORTUNITY_FIELDS = [
  'lead_id',
  'contact_id',
  'user_id',
  'status_id',
  'note',
  'value',
  'value_period',
  'value_currency',
  'confidence',
  'date_won',
] as const;

export type CloseObject = 'contact' | 'opportunity';

export interface FieldProblem {
  /** Relative to the body, as Close's `field-errors` name it. */
  field: string;
  message: string;
}

export function objectOf(pathname: string): CloseObject | undefined {
  if (pathname === CONTACT_PATH) return 'contact';
  if (pathname === OPPORTUNITY_PATH) return 'opportunity';
  return undefined;
}

const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

function listProblems(
  value: unknown,
  field: string,
  key: 'email' | 'phone' | 'url',
  valid: (text: string) => boolean,
): FieldProblem[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) {
    return [{ field, message: `${field} must be an array like [{"type": "office", "${key}": "…"}]` }];
  }
  return value.flatMap((item, index) => {
    const at = `${field}.${index}`;
    if (!isJsonObject(item) || typeof item[key] !== 'string' || !valid(item[key] as string)) {
      return [
        {
          field: `${at}.${key}`,
          message: `${at}.${key} must be a valid ${key}: write {"type": "office", "${key}": "…"}`,
        },
      ];
    }
    if (item.type !== undefined && !(EMAIL_TYPES as readonly string[]).includes(item.type as string)) {
      return [
        {
          field: `${at}.type`,
          message: `${at}.type must be one of ${EMAIL_TYPES.join(', ')}, not ${JSON.stringify(item.type)}`,
        },
      ];
    }
    return [];
  });
}

function unknownFields(body: Record<string, unknown>, allowed: readonly string[]): FieldProblem[] {
  return Object.keys(body)
    .filter((key) => !allowed.includes(key) && !/^custom\.cf_[A-Za-z0-9]+$/.test(key))
    .map((key) => ({
      field: key,
      message: `${key} is not a field Close takes here: remove it, or write a custom field as "custom.cf_…"`,
    }));
}

function idProblem(body: Record<string, unknown>, key: string, prefix: string): FieldProblem[] {
  const value = body[key];
  if (value === undefined || value === null) return [];
  if (typeof value !== 'string' || !value.startsWith(prefix)) {
    return [
      {
        field: key,
        message: `${key} must be a Close id starting with "${prefix}", not ${JSON.stringify(value)}: remove it to let Close create a new lead`,
      },
    ];
  }
  return [];
}

export function contactProblems(body: unknown): FieldProblem[] {
  if (!isJsonObject(body))
    return [{ field: '', message: 'the body must be a JSON object: set name and emails' }];
  const problems: FieldProblem[] = [
    ...unknownFields(body, CONTACT_FIELDS),
    ...idProblem(body, 'lead_id', 'lead_'),
  ];
  if (body.name !== undefined && typeof body.name !== 'string') {
    problems.push({ field: 'name', message: 'name must be a string' });
  }
  if (body.title !== undefined && typeof body.title !== 'string') {
    problems.push({ field: 'title', message: 'title must be a string' });
  }
  problems.push(...listProblems(body.emails, 'emails', 'email', (text) => EMAIL.test(text)));
  problems.push(...listProblems(body.phones, 'phones', 'phone', (text) => /^\+?[0-9 ().-]{5,}$/.test(text)));
  problems.push(...listProblems(body.urls, 'urls', 'url', (text) => /^https?:\/\/\S+$/.test(text)));
  const hasName = typeof body.name === 'string' && body.name.trim() !== '';
  const hasEmail = Array.isArray(body.emails) && body.emails.length > 0;
  if (!hasName && !hasEmail) {
    problems.push({ field: 'name', message: 'a contact needs a name or an email: set name (and emails)' });
  }
  return problems;
}

export function opportunityProblems(body: unknown): FieldProblem[] {
  if (!isJsonObject(body))
    return [{ field: '', message: 'the body must be a JSON object: set note, value and value_period' }];
  const problems: FieldProblem[] = [
    ...unknownFields(body, OPPORTUNITY_FIELDS),
    ...idProblem(body, 'lead_id', 'lead_'),
    ...idProblem(body, 'contact_id', 'cont_'),
    ...idProblem(body, 'status_id', 'stat_'),
  ];
  if (
    body.value !== undefined &&
    body.value !== null &&
    !(Number.isSafeInteger(body.value) && (body.value as number) >= 0)
  ) {
    problems.push({
      field: 'value',
      message: `value is in cents and must be a whole number ≥ 0, not ${JSON.stringify(body.value)}: write total_amount as it is (Dodo amounts are already in cents)`,
    });
  }
  if (
    body.value_period !== undefined &&
    !(VALUE_PERIODS as readonly string[]).includes(body.value_period as string)
  ) {
    problems.push({
      field: 'value_period',
      message: `value_period must be one of ${VALUE_PERIODS.join(', ')}, not ${JSON.stringify(body.value_period)}`,
    });
  }
  if (
    body.value_currency !== undefined &&
    !(typeof body.value_currency === 'string' && /^[A-Z]{3}$/.test(body.value_currency))
  ) {
    problems.push({
      field: 'value_currency',
      message: 'value_currency must be a three-letter ISO code like "USD"',
    });
  }
  if (
    body.confidence !== undefined &&
    !(
      Number.isInteger(body.confidence) &&
      (body.confidence as number) >= 0 &&
      (body.confidence as number) <= 100
    )
  ) {
    problems.push({ field: 'confidence', message: 'confidence must be a whole percentage from 0 to 100' });
  }
  if (
    body.date_won !== undefined &&
    body.date_won !== null &&
    !(typeof body.date_won === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(body.date_won))
  ) {
    problems.push({
      field: 'date_won',
      message: 'date_won must be a date like "2025-08-04": write created_at.slice(0, 10)',
    });
  }
  if (body.note !== undefined && typeof body.note !== 'string') {
    problems.push({ field: 'note', message: 'note must be a string' });
  }
  return problems;
}

export function bodyProblems(object: CloseObject, body: unknown): FieldProblem[] {
  return object === 'contact' ? contactProblems(body) : opportunityProblems(body);
}

export function checkCloseRequest(request: TransformedRequest, region: ConnectorRegion): ContractFinding[] {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return [
      { field: 'url', message: `"${request.url}" is not a URL: write https://${CLOSE_HOST}${CONTACT_PATH}` },
    ];
  }
  const findings: ContractFinding[] = [];
  if (url.protocol !== 'https:') {
    findings.push({ field: 'url', message: `Close is HTTPS only: write https://${url.host}${url.pathname}` });
  }
  if (!region.hosts.includes(url.hostname)) {
    findings.push({
      field: 'url',
      message: `Close's API is at ${region.hosts.join(', ')}, not ${url.hostname}: write https://${CLOSE_HOST}${url.pathname}`,
    });
  }
  const object = objectOf(url.pathname);
  if (!object) {
    const hint =
      `${url.pathname}/` === CONTACT_PATH || `${url.pathname}/` === OPPORTUNITY_PATH
        ? ' (with the trailing slash)'
        : '';
    findings.push({
      field: 'url',
      message: `${url.pathname} is not an endpoint this card sends to: write ${CONTACT_PATH} or ${OPPORTUNITY_PATH}${hint}`,
    });
    return findings;
  }
  if (request.method !== 'POST') {
    findings.push({
      field: 'method',
      message: `creating a ${object} takes POST, not ${request.method}: set webhook.method = "POST"`,
    });
  }
  findings.push(
    ...bodyProblems(object, request.payload).map((p) => ({
      field: p.field === '' ? 'payload' : `payload.${p.field}`,
      message: p.message,
    })),
  );
  return findings;
}
