import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
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

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  statusCode: number;
}

export interface ScriptedResponse {
  statusCode: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface CloseFake {
  url: string;
  received: CloseRecord[];
  /** Ids of the leads that exist (add some to test `lead_id`). */
  leads: Set<string>;
  requests: RecordedRequest[];
  respondWith(...responses: ScriptedResponse[]): void;
  reset(): void;
  close(): Promise<void>;
}

interface Reply {
  statusCode: number;
  body: unknown;
  headers?: Record<string, string>;
}

function closeId(prefix: string): string {
  return `${prefix}_${randomBytes(32).toString('base64url').replace(/[-_]/g, '').slice(0, 43)}`;
}

function keyOf(header: string | undefined, keys: string[]): string | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  if (!decoded.endsWith(':')) return undefined;
  const key = decoded.slice(0, -1);
  return keys.includes(key) ? key : undefined;
}

export async function startCloseFake(options: CloseFakeOptions): Promise<CloseFake> {
  const received: CloseRecord[] = [];
  const requests: RecordedRequest[] = [];
  const scripted: ScriptedResponse[] = [];
  const leads = new Set<string>();
  const window: number[] = [];
  const windowMs = options.windowMs ?? 1000;

  function handle(method: string, path: string, headers: Record<string, string>, raw: Buffer): Reply {
    const apiKey = keyOf(headers.authorization, options.apiKeys);
    if (!apiKey) {
      return {
        statusCode: 401,
        body: { error: 'Unauthorized' },
        headers: { 'www-authenticate': 'Basic realm="api"' },
      };
    }
    if (options.ratePerWindow !== undefined) {
      const now = Date.now();
      while (window.length > 0 && window[0]! <= now - windowMs) window.shift();
      if (window.length >= options.ratePerWindow) {
        const reset = Math.max(0.001, (window[0]! + windowMs - now) / 1000);
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
        };
      }
      window.push(now);
    }
    const next = scripted.shift();
    if (next) return { statusCode: next.statusCode, body: next.body ?? '', headers: next.headers ?? {} };
    const object = objectOf(path);
    if (!object) return { statusCode: 404, body: { error: 'Not found' } };
    if (method !== 'POST')
      return { statusCode: 405, body: { error: 'Method not allowed' }, headers: { allow: 'GET, POST' } };
    if (!/^application\/json\s*(;|$)/i.test(headers['content-type'] ?? '')) {
      return {
        statusCode: 400,
        body: { error: 'Content-Type must be application/json', errors: [], 'field-errors': {} },
      };
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return { statusCode: 400, body: { error: 'Invalid JSON', errors: [], 'field-errors': {} } };
    }
    const problems = bodyProblems(object, body);
    if (problems.length > 0) {
      return {
        statusCode: 400,
        body: {
          error: problems.some((p) => p.field === '') ? problems[0]!.message : '',
          errors: [],
          'field-errors': Object.fromEntries(
            problems.filter((p) => p.field !== '').map((p) => [p.field, p.message]),
          ),
        },
      };
    }
    const fields = body as Record<string, unknown>;
    let leadId = fields.lead_id as string | undefined;
    if (leadId !== undefined && leadId !== null && !leads.has(leadId)) {
      return {
        statusCode: 400,
        body: { error: '', errors: [], 'field-errors': { lead_id: 'Object does not exist.' } },
      };
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
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://fake').pathname;
      const method = req.method ?? 'GET';
      const headers = Object.fromEntries(
        Object.entries(req.headers).map(([name, value]) => [
          name,
          Array.isArray(value) ? value.join(', ') : (value ?? ''),
        ]),
      );
      const reply = handle(method, path, headers, Buffer.concat(chunks));
      requests.push({ method, path, headers, statusCode: reply.statusCode });
      const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
      res.writeHead(reply.statusCode, { 'content-type': 'application/json', ...reply.headers });
      res.end(text);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    received,
    leads,
    requests,
    respondWith(...responses) {
      scripted.push(...responses);
    },
    reset() {
      received.length = 0;
      requests.length = 0;
      scripted.length = 0;
      leads.clear();
      window.length = 0;
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      });
    },
  };
}
