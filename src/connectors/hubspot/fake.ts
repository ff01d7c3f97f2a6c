import { randomUUID } from 'node:crypto';
import { bearerToken } from '../authorization-header.ts';
import { type FakeReply, type FakeServer, startFakeServer } from '../fake-server.ts';
import { RateWindow } from '../rate-window.ts';
import { bodyProblems, type HubspotRoute, routeOf } from './contract.ts';

/**
 * A stand-in for HubSpot's CRM v3 objects API (destinations.md §4a) on 127.0.0.1, for tests. It refuses what
 * HubSpot refuses: a missing or unknown token (401 INVALID_AUTHENTICATION), unknown paths (404) and methods
 * (405), invalid bodies and properties the portal does not have (400 VALIDATION_ERROR / PROPERTY_DOESNT_EXIST),
 * a second contact with the same email (409 CONFLICT "Contact already exists. Existing ID: …"), an update of an
 * unknown object (404 OBJECT_NOT_FOUND), and the rate limits: a burst of `burstPer10s` requests per 10 s
 * (429 TEN_SECONDLY_ROLLING) and `dailyLimit` a day (429 DAILY), with the `X-HubSpot-RateLimit-*` headers.
 * Every HubSpot error body is `{status:"error", message, correlationId, category, …}`.
 */

export interface HubspotFakeOptions {
  /** Private-app access tokens of the portal. */
  tokens: string[];
  burstPer10s?: number;
  dailyLimit?: number;
  /** Properties the portal has beyond HubSpot's defaults listed below. */
  customProperties?: { contacts?: string[]; deals?: string[] };
}

/** Default properties the fake knows (a subset of HubSpot's). */
export const DEFAULT_PROPERTIES = {
  contacts: [
    'email',
    'firstname',
    'lastname',
    'phone',
    'company',
    'website',
    'city',
    'state',
    'zip',
    'country',
    'address',
    'jobtitle',
    'lifecyclestage',
    'hs_lead_status',
  ],
  deals: [
    'dealname',
    'amount',
    'dealstage',
    'pipeline',
    'closedate',
    'dealtype',
    'description',
    'deal_currency_code',
    'hubspot_owner_id',
  ],
};
/** The stages of the `default` deal pipeline. */
export const DEFAULT_DEAL_STAGES = [
  'appointmentscheduled',
  'qualifiedtobuy',
  'presentationscheduled',
  'decisionmakerboughtin',
  'contractsent',
  'closedwon',
  'closedlost',
];

export interface HubspotObject {
  id: string;
  properties: Record<string, string | null>;
}

export interface RecordedCall {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

export interface HubspotFake extends FakeServer {
  contacts: Map<string, HubspotObject>;
  deals: Map<string, HubspotObject>;
  /** Every request that changed the CRM. */
  received: RecordedCall[];
}

function error(
  statusCode: number,
  category: string,
  message: string,
  extra: Record<string, unknown> = {},
  headers?: Record<string, string>,
): FakeReply {
  return {
    statusCode,
    body: { status: 'error', message, correlationId: randomUUID(), category, ...extra },
    reason: message,
    ...(headers ? { headers } : {}),
  };
}

function stringify(properties: Record<string, unknown>): Record<string, string | null> {
  return Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, v === null ? null : String(v)]));
}

export async function startHubspotFake(options: HubspotFakeOptions): Promise<HubspotFake> {
  const contacts = new Map<string, HubspotObject>();
  const deals = new Map<string, HubspotObject>();
  const received: RecordedCall[] = [];
  const burst = new RateWindow(options.burstPer10s, 10_000);
  /** When each request counted against the daily limit came: the fake's day never ends before `reset()`. */
  const today: number[] = [];
  let nextId = 1001;
  const known = {
    contacts: new Set([...DEFAULT_PROPERTIES.contacts, ...(options.customProperties?.contacts ?? [])]),
    deals: new Set([...DEFAULT_PROPERTIES.deals, ...(options.customProperties?.deals ?? [])]),
  };

  function findContact(id: string, idProperty: string | null): HubspotObject | undefined {
    if (idProperty === 'email') {
      return [...contacts.values()].find((c) => c.properties.email?.toLowerCase() === id.toLowerCase());
    }
    return contacts.get(id);
  }

  function propertyErrors(
    object: 'contacts' | 'deals',
    properties: Record<string, unknown>,
  ): FakeReply | undefined {
    const unknown = Object.keys(properties).filter((name) => !known[object].has(name));
    if (unknown.length > 0) {
      return error(
        400,
        'VALIDATION_ERROR',
        `Property values were not valid: ${unknown.map((n) => `Property "${n}" does not exist`).join(', ')}`,
        {
          errors: unknown.map((name) => ({
            message: `Property "${name}" does not exist`,
            code: 'PROPERTY_DOESNT_EXIST',
            context: { propertyName: [name] },
          })),
        },
      );
    }
    if (object === 'deals' && properties.dealstage !== undefined) {
      const pipeline = properties.pipeline ?? 'default';
      if (pipeline !== 'default' || !DEFAULT_DEAL_STAGES.includes(String(properties.dealstage))) {
        return error(
          400,
          'VALIDATION_ERROR',
          `Property values were not valid: ${String(properties.dealstage)} is not a valid deal stage of pipeline ${String(pipeline)}`,
          {
            errors: [
              {
                message: `${String(properties.dealstage)} was not one of the allowed options`,
                code: 'INVALID_OPTION',
                context: { propertyName: ['dealstage'] },
              },
            ],
          },
        );
      }
    }
    return undefined;
  }

  const server = await startFakeServer({
    // HubSpot documents no body limit for these calls.
    contentType: 'application/json;charset=utf-8',
    state: [contacts, deals, received, burst, today],
    handle(request) {
      const { method, url, headers } = request;
      const token = bearerToken(headers.authorization);
      if (token === undefined || !options.tokens.includes(token)) {
        return error(
          401,
          'INVALID_AUTHENTICATION',
          'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
        );
      }
      if (options.dailyLimit !== undefined && today.length >= options.dailyLimit) {
        return error(
          429,
          'RATE_LIMITS',
          'You have reached your daily limit.',
          { errorType: 'RATE_LIMIT', policyName: 'DAILY' },
          {
            'x-hubspot-ratelimit-daily': String(options.dailyLimit),
            'x-hubspot-ratelimit-daily-remaining': '0',
          },
        );
      }
      if (!burst.admit().admitted) {
        return error(
          429,
          'RATE_LIMITS',
          'You have reached your ten_secondly_rolling limit.',
          { errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING' },
          {
            'x-hubspot-ratelimit-interval-milliseconds': '10000',
            'x-hubspot-ratelimit-max': String(options.burstPer10s),
            'x-hubspot-ratelimit-remaining': '0',
          },
        );
      }
      today.push(Date.now());
      const scripted = request.scripted();
      if (scripted) return scripted;
      const route: HubspotRoute | undefined = routeOf(url.pathname);
      if (!route) return error(404, 'OBJECT_NOT_FOUND', `No route for ${method} ${url.pathname}`);
      if (method !== route.method)
        return error(405, 'METHOD_NOT_ALLOWED', `${method} is not allowed on ${url.pathname}`);
      if (request.mediaType !== 'application/json') {
        return error(415, 'UNSUPPORTED_MEDIA_TYPE', 'Content-Type must be application/json');
      }
      const body = request.json(() => error(400, 'VALIDATION_ERROR', 'Invalid input JSON on line 1'));
      const problems = bodyProblems(route, body);
      if (problems.length > 0) {
        return error(
          400,
          'VALIDATION_ERROR',
          `Invalid input: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`,
          {
            errors: problems.map((p) => ({
              message: p.message,
              code: 'INVALID',
              context: { field: [p.field] },
            })),
          },
        );
      }
      const stamp = new Date().toISOString();
      const record = () => received.push({ method, path: url.pathname + url.search, headers, body });
      if (route.kind === 'upsert') {
        const inputs = (
          body as { inputs: { id: string; idProperty?: string; properties: Record<string, unknown> }[] }
        ).inputs;
        for (const input of inputs) {
          const invalid = propertyErrors('contacts', input.properties);
          if (invalid) return invalid;
        }
        const results = inputs.map((input) => {
          const existing = findContact(input.id, input.idProperty ?? null);
          const properties = stringify({
            ...(input.idProperty === 'email' ? { email: input.id } : {}),
            ...input.properties,
          });
          if (existing) {
            Object.assign(existing.properties, properties);
            return {
              id: existing.id,
              properties: existing.properties,
              new: false,
              createdAt: stamp,
              updatedAt: stamp,
            };
          }
          const created = { id: String(nextId++), properties };
          contacts.set(created.id, created);
          return { id: created.id, properties, new: true, createdAt: stamp, updatedAt: stamp };
        });
        record();
        return {
          statusCode: 200,
          body: { status: 'COMPLETE', results, startedAt: stamp, completedAt: stamp },
        };
      }
      const { properties } = body as { properties: Record<string, unknown> };
      const invalid = propertyErrors(route.object, properties);
      if (invalid) return invalid;
      const store = route.object === 'contacts' ? contacts : deals;
      if (route.kind === 'create') {
        if (route.object === 'contacts' && typeof properties.email === 'string') {
          const existing = findContact(properties.email, 'email');
          if (existing) return error(409, 'CONFLICT', `Contact already exists. Existing ID: ${existing.id}`);
        }
        const created = { id: String(nextId++), properties: stringify(properties) };
        store.set(created.id, created);
        record();
        return {
          statusCode: 201,
          body: {
            id: created.id,
            properties: created.properties,
            createdAt: stamp,
            updatedAt: stamp,
            archived: false,
          },
        };
      }
      const idProperty = url.searchParams.get('idProperty');
      const existing =
        route.object === 'contacts'
          ? findContact(route.id, idProperty)
          : idProperty === null
            ? deals.get(route.id)
            : undefined;
      if (!existing) return error(404, 'OBJECT_NOT_FOUND', `resource not found`);
      Object.assign(existing.properties, stringify(properties));
      record();
      return {
        statusCode: 200,
        body: {
          id: existing.id,
          properties: existing.properties,
          createdAt: stamp,
          updatedAt: stamp,
          archived: false,
        },
      };
    },
  });
  return Object.assign(server, { contacts, deals, received });
}
