import { basicCredentials } from '../authorization-header.ts';
import { type FakeReply, type FakeServer, startFakeServer } from '../fake-server.ts';
import { isJsonObject } from '../json-value.ts';
import {
  ATTRIBUTE_VALUE_MAX_BYTES,
  ATTRIBUTES_MAX_COUNT,
  batchProblems,
  byteLength,
  ENTITY_MAX_BYTES,
  EVENT_DATA_MAX_BYTES,
  EVENT_NAME_MAX_BYTES,
  entityProblems,
  NAME_MAX_BYTES,
  type OperationProblem,
  valueBytes,
} from './contract.ts';

/**
 * A stand-in for Customer.io's Track API on 127.0.0.1, enforcing the documented contract
 * (shared/reference/destinations.md §2) with the same rules as `checkCustomerioRequest`:
 * - `Authorization: Basic base64(site_id:api_key)` for a configured site, else 401;
 * - JSON bodies only (`Content-Type: application/json`), else 400;
 * - `POST /api/v2/entity` (one operation, < 32 KB): 400 `{"errors":[{reason, field, message}]}` or 200 `{}`;
 * - `POST /api/v2/batch` (`{batch: [...]}`, < 500 KB, each operation ≤ 32 KB): 400 for a bad envelope, 207
 *   `{"errors":[{batch_index, reason, field, message}]}` accepting the valid items, or 200 `{}`;
 * - the v1 calls `customerio-node` makes for `identify` and `track`: `PUT /api/v1/customers/{id}` and
 *   `POST /api/v1/customers/{id}/events` (`name` required).
 * An event `id` seen before for the same site is answered 200 but not recorded again, as Customer.io ignores
 * repeats. Anything it cannot vouch for (other paths and methods) is refused, never accepted.
 */

export interface CustomerioSite {
  siteId: string;
  apiKey: string;
}

export interface RecordedOperation {
  siteId: string;
  /** Which call carried it. */
  endpoint: 'v2/entity' | 'v2/batch' | 'v1/identify' | 'v1/event';
  /** For v2, the operation as sent; for v1, the person id from the path and the body. */
  operation: unknown;
  receivedAt: number;
}

export interface CustomerioFake extends FakeServer {
  /** `http://127.0.0.1:<port>/api/v1`: what `customerio-node`'s `TrackClient` takes as its `url` option. */
  trackUrl: string;
  /** Accepted operations, deduplicated by event id, in arrival order. */
  readonly operations: readonly RecordedOperation[];
}

/** More than the largest body the API takes; a longer one is refused as too large. */
const READ_LIMIT = 1024 * 1024;

function errorsReply(
  statusCode: number,
  problems: (OperationProblem & { batch_index?: number })[],
): FakeReply {
  return {
    statusCode,
    // A 207 accepted the valid items of the batch: only whole refusals are listed in `rejected`.
    ...(statusCode === 207 ? {} : { reason: problems.map((p) => p.message).join('; ') }),
    body: {
      errors: problems.map((problem) =>
        problem.batch_index === undefined
          ? { reason: problem.reason, field: problem.field, message: problem.message }
          : {
              batch_index: problem.batch_index,
              reason: problem.reason,
              field: problem.field,
              message: problem.message,
            },
      ),
    },
  };
}

function problem(reason: OperationProblem['reason'], field: string, message: string): OperationProblem {
  return { reason, field, message };
}

function siteOf(authorization: string | undefined, sites: CustomerioSite[]): CustomerioSite | undefined {
  const basic = basicCredentials(authorization);
  return sites.find((site) => site.siteId === basic?.user && site.apiKey === basic.password);
}

/** `PUT /api/v1/customers/{id}`: attributes at the top level; `created_at` Unix seconds; 32 KB per request. */
function v1IdentifyProblems(body: unknown): OperationProblem[] {
  if (!isJsonObject(body)) return [problem('invalid', '', 'the body must be a JSON object of attributes')];
  const problems: OperationProblem[] = [];
  const reserved = new Set(['_update', '_timestamp', 'cio_relationships']);
  const attributes = Object.entries(body).filter(([name]) => !reserved.has(name));
  if (attributes.length > ATTRIBUTES_MAX_COUNT) {
    problems.push(
      problem('too_large', '', `${attributes.length} attributes; at most ${ATTRIBUTES_MAX_COUNT} per call`),
    );
  }
  for (const [name, value] of attributes) {
    if (byteLength(name) > NAME_MAX_BYTES) {
      problems.push(problem('too_large', name, `attribute names are at most ${NAME_MAX_BYTES} bytes`));
    }
    if (valueBytes(value) > ATTRIBUTE_VALUE_MAX_BYTES) {
      problems.push(
        problem('too_large', name, `attribute values are at most ${ATTRIBUTE_VALUE_MAX_BYTES} bytes`),
      );
    }
  }
  const createdAt = body.created_at;
  if (createdAt !== undefined && !(typeof createdAt === 'number' && Number.isSafeInteger(createdAt))) {
    problems.push(problem('invalid', 'created_at', 'created_at must be an integer of Unix seconds'));
  }
  if (body._update !== undefined && typeof body._update !== 'boolean') {
    problems.push(problem('invalid', '_update', '_update must be a boolean'));
  }
  return problems;
}

/** `POST /api/v1/customers/{id}/events`: `{name (required), id?, type?, timestamp?, data?}`. */
function v1EventProblems(body: unknown): OperationProblem[] {
  if (!isJsonObject(body)) return [problem('invalid', '', 'the body must be a JSON object')];
  const problems: OperationProblem[] = [];
  const name = body.name;
  if (typeof name !== 'string' || name.trim() === '') {
    problems.push(problem('required', 'name', 'name is required: a non-empty string'));
  } else if (byteLength(name) > EVENT_NAME_MAX_BYTES) {
    problems.push(problem('too_large', 'name', `event names are at most ${EVENT_NAME_MAX_BYTES} bytes`));
  }
  if (body.id !== undefined && !(typeof body.id === 'string' && body.id.trim() !== '')) {
    problems.push(problem('invalid', 'id', 'id must be a non-empty string'));
  }
  if (body.type !== undefined && !['event', 'page', 'screen'].includes(body.type as string)) {
    problems.push(problem('invalid', 'type', 'type must be "event", "page" or "screen"'));
  }
  const timestamp = body.timestamp;
  if (timestamp !== undefined && !(typeof timestamp === 'number' && Number.isSafeInteger(timestamp))) {
    problems.push(problem('invalid', 'timestamp', 'timestamp must be an integer of Unix seconds'));
  }
  if (body.data !== undefined) {
    if (!isJsonObject(body.data)) problems.push(problem('invalid', 'data', 'data must be an object'));
    else if (valueBytes(body.data) > EVENT_DATA_MAX_BYTES) {
      problems.push(problem('too_large', 'data', `event data is at most ${EVENT_DATA_MAX_BYTES} bytes`));
    }
  }
  return problems;
}

function personIdProblems(raw: string): OperationProblem[] {
  let id: string;
  try {
    id = decodeURIComponent(raw);
  } catch {
    return [problem('invalid', 'identifier', 'the person identifier in the path is not valid URL encoding')];
  }
  if (id.trim() === '') return [problem('required', 'identifier', 'the person identifier is empty')];
  if (byteLength(id) > NAME_MAX_BYTES) {
    return [problem('too_large', 'identifier', `person identifiers are at most ${NAME_MAX_BYTES} bytes`)];
  }
  return [];
}

/** The dedupe key of an event operation, when it has one. */
function eventId(op: unknown): string | undefined {
  if (!isJsonObject(op) || typeof op.id !== 'string') return undefined;
  if (op.action !== undefined && op.action !== 'event' && op.action !== 'screen' && op.action !== 'page') {
    return undefined;
  }
  return op.id;
}

export async function startCustomerioFake(options: { sites: CustomerioSite[] }): Promise<CustomerioFake> {
  const sites = options.sites.map((site) => ({ ...site }));
  const operations: RecordedOperation[] = [];
  const seenEventIds = new Set<string>();

  function record(siteId: string, endpoint: RecordedOperation['endpoint'], operation: unknown): void {
    const id = eventId(endpoint === 'v1/event' ? (operation as { body: unknown }).body : operation);
    if (id !== undefined) {
      const key = `${siteId}\u0000${id}`;
      if (seenEventIds.has(key)) return;
      seenEventIds.add(key);
    }
    operations.push({ siteId, endpoint, operation, receivedAt: Date.now() });
  }

  const server = await startFakeServer({
    maxBodyBytes: READ_LIMIT,
    contentType: 'application/json',
    state: [operations, seenEventIds],
    handle(request) {
      const { method, path, headers } = request;
      if (request.tooLarge) {
        return errorsReply(400, [problem('too_large', '', `the request body is over ${READ_LIMIT} bytes`)]);
      }
      const site = siteOf(headers.authorization, sites);
      if (!site) {
        return {
          statusCode: 401,
          body: { meta: { error: 'Unauthorized request' } },
          headers: { 'www-authenticate': 'Basic realm="Customer.io Track API"' },
          reason: 'Unauthorized request',
        };
      }
      const scripted = request.scripted();
      if (scripted) return scripted;

      const v1Identify = /^\/api\/v1\/customers\/([^/]+)$/.exec(path);
      const v1Event = /^\/api\/v1\/customers\/([^/]+)\/events$/.exec(path);
      const route =
        path === '/api/v2/entity'
          ? { endpoint: 'v2/entity' as const, method: 'POST' }
          : path === '/api/v2/batch'
            ? { endpoint: 'v2/batch' as const, method: 'POST' }
            : v1Identify
              ? { endpoint: 'v1/identify' as const, method: 'PUT' }
              : v1Event
                ? { endpoint: 'v1/event' as const, method: 'POST' }
                : undefined;
      if (!route) {
        return errorsReply(404, [
          problem('invalid', '', `${path} is not an endpoint of this fake Track API`),
        ]);
      }
      if (method !== route.method) {
        return {
          ...errorsReply(405, [problem('invalid', '', `${path} takes ${route.method}, not ${method}`)]),
          headers: { allow: route.method },
        };
      }
      if (request.mediaType !== 'application/json') {
        return errorsReply(400, [
          problem(
            'invalid',
            '',
            `the body must be JSON (Content-Type: application/json), not ${headers['content-type'] || 'none'}`,
          ),
        ]);
      }
      const body = request.json(() =>
        errorsReply(400, [problem('invalid', '', 'the body is not valid JSON')]),
      );
      const bytes = request.body.length;

      switch (route.endpoint) {
        case 'v2/entity': {
          const problems = entityProblems(body, bytes);
          if (problems.length > 0) return errorsReply(400, problems);
          record(site.siteId, 'v2/entity', body);
          return { statusCode: 200, body: {} };
        }
        case 'v2/batch': {
          const validation = batchProblems(body, bytes);
          if (validation.envelope.length > 0) return errorsReply(400, validation.envelope);
          const failed = new Set(validation.items.map((item) => item.index));
          validation.operations.forEach((op, index) => {
            if (!failed.has(index)) record(site.siteId, 'v2/batch', op);
          });
          if (failed.size === 0) return { statusCode: 200, body: {} };
          return errorsReply(
            207,
            validation.items.flatMap((item) =>
              item.problems.map((itemProblem) => ({ ...itemProblem, batch_index: item.index })),
            ),
          );
        }
        case 'v1/identify':
        case 'v1/event': {
          const match = (route.endpoint === 'v1/identify' ? v1Identify : v1Event)!;
          const tooLarge =
            bytes >= ENTITY_MAX_BYTES
              ? [
                  problem(
                    'too_large',
                    '',
                    `the request body is ${bytes} bytes; the Track API takes less than 32 KB`,
                  ),
                ]
              : [];
          const problems = [
            ...tooLarge,
            ...personIdProblems(match[1]!),
            ...(tooLarge.length > 0
              ? []
              : route.endpoint === 'v1/identify'
                ? v1IdentifyProblems(body)
                : v1EventProblems(body)),
          ];
          if (problems.length > 0) return errorsReply(400, problems);
          record(site.siteId, route.endpoint, { id: decodeURIComponent(match[1]!), body });
          return { statusCode: 200, body: {} };
        }
      }
    },
  });
  return Object.assign(server, { trackUrl: `${server.url}/api/v1`, operations });
}
