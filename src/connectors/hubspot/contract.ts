import type { TransformedRequest } from '../../sandbox/index.ts';
import type { ConnectorRegion, ContractFinding } from '../connector.ts';
import { isJsonObject } from '../json-value.ts';

/**
 * HubSpot's CRM v3 objects contract, for the endpoints the Dodo card uses (shared/reference/destinations.md §4a).
 * The same rules serve `checkHubspotRequest` before any network call and the fake in `fake.ts`.
 */

export const HUBSPOT_HOST = 'api.hubapi.com';
/** The docs also show this host for the same API. The EU host `api-eu1.hubapi.com` is [unverified] and left out. */
export const HUBSPOT_ALT_HOST = 'api.hubspot.com';
export const CONTACTS_PATH = '/crm/v3/objects/contacts';
export const DEALS_PATH = '/crm/v3/objects/deals';
export const CONTACTS_UPSERT_PATH = '/crm/v3/objects/contacts/batch/upsert';
/** [unverified] (destinations.md): at most 100 inputs per batch. Enforced conservatively. */
export const MAX_BATCH_INPUTS = 100;
/**
 * HubSpot's documented limit for a string property value is 65,536 characters; not in destinations.md, so
 * [unverified] here and enforced as the conservative side.
 */
export const MAX_VALUE_CHARS = 65_536;
/** HubSpot rejects deals without these; `pipeline` may default in HubSpot [unverified], so it is required here. */
export const DEAL_REQUIRED = ['dealname', 'dealstage', 'pipeline'] as const;
export const CONTACT_NEEDS_ONE_OF = ['email', 'firstname', 'lastname'] as const;

export type HubspotRoute =
  | { kind: 'create'; object: 'contacts' | 'deals'; method: 'POST' }
  | { kind: 'update'; object: 'contacts' | 'deals'; id: string; method: 'PATCH' }
  | { kind: 'upsert'; object: 'contacts'; method: 'POST' };

/** The card's endpoints by path, or undefined. */
export function routeOf(pathname: string): HubspotRoute | undefined {
  if (pathname === CONTACTS_UPSERT_PATH) return { kind: 'upsert', object: 'contacts', method: 'POST' };
  const match = /^\/crm\/v3\/objects\/(contacts|deals)(?:\/([^/]+))?\/?$/.exec(pathname);
  if (!match) return undefined;
  const object = match[1] as 'contacts' | 'deals';
  if (match[2] === undefined) return { kind: 'create', object, method: 'POST' };
  if (match[2] === 'batch') return undefined;
  return { kind: 'update', object, id: decodeURIComponent(match[2]), method: 'PATCH' };
}

export interface PropertyProblem {
  field: string;
  message: string;
}

const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/;

function filled(value: unknown): boolean {
  return value !== undefined && value !== null && String(value).trim() !== '';
}

/** `{properties: {…}}`: values are strings, numbers, booleans or null, within the size limit. */
export function propertiesProblems(
  body: unknown,
  object: 'contacts' | 'deals',
  mode: 'create' | 'update',
  prefix = 'payload',
): PropertyProblem[] {
  if (!isJsonObject(body)) {
    return [{ field: prefix, message: `the body must be a JSON object: write {"properties": {…}}` }];
  }
  const properties = body.properties;
  if (!isJsonObject(properties)) {
    return [
      {
        field: `${prefix}.properties`,
        message: `${prefix}.properties is required: write an object of property names and values`,
      },
    ];
  }
  const problems: PropertyProblem[] = [];
  for (const [name, value] of Object.entries(properties)) {
    const field = `${prefix}.properties.${name}`;
    if (value !== null && !['string', 'number', 'boolean'].includes(typeof value)) {
      problems.push({
        field,
        message: `${field} must be a string, number or boolean: write String(value) or JSON.stringify(value)`,
      });
    } else if (value !== null && String(value).length > MAX_VALUE_CHARS) {
      problems.push({ field, message: `${field} is over ${MAX_VALUE_CHARS} characters: shorten it` });
    }
  }
  if (
    object === 'contacts' &&
    properties.email !== undefined &&
    properties.email !== null &&
    properties.email !== ''
  ) {
    if (typeof properties.email !== 'string' || !EMAIL.test(properties.email)) {
      problems.push({
        field: `${prefix}.properties.email`,
        message: `${JSON.stringify(properties.email)} is not an email address: write "a@example.com"`,
      });
    }
  }
  if (
    mode === 'create' &&
    object === 'contacts' &&
    !CONTACT_NEEDS_ONE_OF.some((name) => filled(properties[name]))
  ) {
    problems.push({
      field: `${prefix}.properties`,
      message: 'a contact needs at least one of email, firstname or lastname: set properties.email',
    });
  }
  if (mode === 'create' && object === 'deals') {
    for (const name of DEAL_REQUIRED) {
      if (!filled(properties[name])) {
        problems.push({
          field: `${prefix}.properties.${name}`,
          message: `a deal needs ${name}: set properties.${name}`,
        });
      }
    }
  }
  if (body.associations !== undefined && !Array.isArray(body.associations)) {
    problems.push({
      field: `${prefix}.associations`,
      message: 'associations must be an array: write [] or remove it',
    });
  }
  return problems;
}

/** `{"inputs":[{"idProperty":"email","id":"a@b.com","properties":{…}}]}` */
export function upsertProblems(body: unknown): PropertyProblem[] {
  if (!isJsonObject(body) || !Array.isArray(body.inputs) || body.inputs.length === 0) {
    return [
      {
        field: 'payload.inputs',
        message:
          'payload.inputs is required: write [{"idProperty": "email", "id": "a@example.com", "properties": {…}}]',
      },
    ];
  }
  if (body.inputs.length > MAX_BATCH_INPUTS) {
    return [
      {
        field: 'payload.inputs',
        message: `at most ${MAX_BATCH_INPUTS} inputs per batch, not ${body.inputs.length}: split it`,
      },
    ];
  }
  return body.inputs.flatMap((input, index) => {
    const prefix = `payload.inputs[${index}]`;
    if (!isJsonObject(input))
      return [{ field: prefix, message: `${prefix} must be an object with id and properties` }];
    const problems: PropertyProblem[] = [];
    if (!filled(input.id) || typeof input.id !== 'string') {
      problems.push({
        field: `${prefix}.id`,
        message: `${prefix}.id is required: write the contact's email (with idProperty "email")`,
      });
    }
    if (input.idProperty !== undefined && typeof input.idProperty !== 'string') {
      problems.push({
        field: `${prefix}.idProperty`,
        message: `${prefix}.idProperty must be a property name, e.g. "email"`,
      });
    }
    if (input.idProperty === 'email' && typeof input.id === 'string' && !EMAIL.test(input.id)) {
      problems.push({
        field: `${prefix}.id`,
        message: `${JSON.stringify(input.id)} is not an email address: write "a@example.com"`,
      });
    }
    problems.push(...propertiesProblems(input, 'contacts', 'update', prefix));
    return problems;
  });
}

export function bodyProblems(route: HubspotRoute, body: unknown): PropertyProblem[] {
  if (route.kind === 'upsert') return upsertProblems(body);
  return propertiesProblems(body, route.object, route.kind === 'create' ? 'create' : 'update');
}

export function checkHubspotRequest(request: TransformedRequest, region: ConnectorRegion): ContractFinding[] {
  const host = region.hosts[0] ?? HUBSPOT_HOST;
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return [
      { field: 'url', message: `"${request.url}" is not a URL: write https://${host}${CONTACTS_PATH}` },
    ];
  }
  const findings: ContractFinding[] = [];
  if (url.protocol !== 'https:') {
    findings.push({
      field: 'url',
      message: `HubSpot is HTTPS only: write https://${url.host}${url.pathname}`,
    });
  }
  if (!region.hosts.includes(url.hostname)) {
    findings.push({
      field: 'url',
      message: `HubSpot's API is at ${region.hosts.join(', ')}, not ${url.hostname}: write https://${host}${url.pathname}`,
    });
  }
  const route = routeOf(url.pathname);
  if (!route) {
    findings.push({
      field: 'url',
      message: `${url.pathname} is not an endpoint this card sends to: write ${CONTACTS_PATH}, ${CONTACTS_PATH}/{id}, ${DEALS_PATH} or ${CONTACTS_UPSERT_PATH}`,
    });
    return findings;
  }
  if (request.method !== route.method) {
    findings.push({
      field: 'method',
      message: `${url.pathname} takes ${route.method}, not ${request.method}: set webhook.method = "${route.method}"${route.method === 'PATCH' ? ' (updates go to …/{id})' : ''}`,
    });
  }
  findings.push(...bodyProblems(route, request.payload));
  return findings;
}
