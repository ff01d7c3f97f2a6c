import { randomBytes } from 'node:crypto';
import { basicCredentials } from '../authorization-header.ts';
import { type FakeReply, type FakeServer, startFakeServer } from '../fake-server.ts';
import { RateWindow } from '../rate-window.ts';
import { bodyProblems, type CloseObject, objectOf } from './contract.ts';

/**
 * A stand-in for Close's API (destinations.md §4b) on 127.0.0.1, for tests. It refuses what Close refuses: no
 * or wrong Basic credentials (401; the API key is the user name, the password empty), unknown paths (404),
 * other methods (405), invalid fields (400 `{"error": "", "errors": [], "field-errors": {…}}`), ids of leads
 * that do not exist (400), and more than `ratePerWindow` requests per `windowMs` (429 with `Retry-After`, the
 * `RateLimit: limit=…, remaining=0, reset=…` header and an `error.rate_reset` body). Created records get Close-style
 * ids; a contact or opportunity without `lead_id` creates a new lead, as Close does since 2025-02.
 */

export interface CloseFakeOptions {
  apiKeys: string[];
  ratePerWindow?: number;
  windowMs?: number;
}

export interface CloseRecord {
  id: string;
  object: CloseObject;
  apiKey: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
  lead_id: string;
}

export interface CloseFake extends FakeServer {
  received: CloseRecord[];
  /** Ids of the leads that exist (add some to test `lead_id`). */
  leads: Set<string>;
}

function closeId(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString('base64url').replace(/[-_]/g, '').slice(0, 43)}`;
}

/** Close's 400: a general `error` and the `field-errors` by field. */
function invalid(error: string, fieldErrors: Record<string, string> = {}): FakeReply {
  return {
    statusCode: 400,
    body: { error, errors: [], 'field-errors': fieldErrors },
    reason: [error, ...Object.entries(fieldErrors).map(([field, message]) => `${field}: ${message}`)]
      .filter(Boolean)
      .join('; '),
  };
}

export async function startCloseFake(options: CloseFakeOptions): Promise<CloseFake> {
  const received: CloseRecord[] = [];
  const leads = new Set<string>();
  const windowMs = options.windowMs ?? 1000;
  const rate = new RateWindow(options.ratePerWindow, windowMs);

  const server = await startFakeServer({
    // Close documents no body limit for these calls.
    contentType: 'application/json',
    state: [received, leads, rate],
    handle(request) {
      const { method, path, headers } = request;
      const basic = basicCredentials(headers.authorization);
      // The API key is the user name and the password is empty.
      const apiKey = basic?.password === '' && options.apiKeys.includes(basic.user) ? basic.user : undefined;
      if (apiKey === undefined) {
        return {
          statusCode: 401,
          body: { error: 'Unauthorized' },
          headers: { 'www-authenticate': 'Basic realm="api"' },
          reason: 'Unauthorized',
        };
      }
      const admitted = rate.admit();
      if (!admitted.admitted) {
        const reset = Math.max(0.001, admitted.resetMs / 1000);
        return {
          statusCode: 429,
          body: {
            error: {
              rate_reset: reset,
              message: 'API call count exceeded for this window',
              rate_limit: options.ratePerWindow,
              rate_window: windowMs / 1000,
            },
          },
          headers: {
            'retry-after': String(Math.ceil(reset)),
            ratelimit: `limit=${options.ratePerWindow}, remaining=0, reset=${reset.toFixed(3)}`,
          },
          reason: 'API call count exceeded for this window',
        };
      }
      const scripted = request.scripted();
      if (scripted) return scripted;
      const object = objectOf(path);
      if (!object) return { statusCode: 404, body: { error: 'Not found' }, reason: 'Not found' };
      if (method !== 'POST') {
        return {
          statusCode: 405,
          body: { error: 'Method not allowed' },
          headers: { allow: 'GET, POST' },
          reason: 'Method not allowed',
        };
      }
      if (request.mediaType !== 'application/json') {
        return invalid('Content-Type must be application/json');
      }
      const body = request.json(() => invalid('Invalid JSON'));
      const problems = bodyProblems(object, body);
      if (problems.length > 0) {
        return invalid(
          problems.some((p) => p.field === '') ? problems[0]!.message : '',
          Object.fromEntries(problems.filter((p) => p.field !== '').map((p) => [p.field, p.message])),
        );
      }
      const fields = body as Record<string, unknown>;
      let leadId = fields.lead_id as string | undefined;
      if (leadId !== undefined && leadId !== null && !leads.has(leadId)) {
        return invalid('', { lead_id: 'Object does not exist.' });
      }
      if (leadId === undefined || leadId === null) {
        leadId = closeId('lead');
        leads.add(leadId);
      }
      const id = closeId(object === 'contact' ? 'cont' : 'oppo');
      received.push({ id, object, apiKey, headers, body: fields, lead_id: leadId });
      const now = new Date().toISOString();
      return {
        statusCode: 200,
        body: { ...fields, id, lead_id: leadId, date_created: now, date_updated: now },
      };
    },
  });
  return Object.assign(server, { received, leads });
}
