import { Writable } from 'node:stream';
import fc from 'fast-check';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer, testServerDrivers } from '../server/testing.ts';
import { anyJson, arbitraryFromSchema, type JsonSchema, nastyString } from './arbitrary-from-schema.ts';
import { recordHostileRow } from './fault-report.ts';

/**
 * Thousands of malformed and boundary requests to every operation of the served OpenAPI document, with the
 * operator token, an app-portal token and worse: none may answer 5xx, every 4xx is a problem document, and
 * the server answers its health check after each operation's batch. The server checks its own answers
 * against the document (SWITCHYARD_VALIDATE_RESPONSES), so a success the document does not describe is a
 * 500 here too.
 */

const REQUESTS_PER_OPERATION = Number(process.env.FUZZ_REQUESTS_PER_OPERATION ?? 24);
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const MAX_BODY_BYTES = 64 * 1024;

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  schema?: JsonSchema;
}
interface Operation {
  method: string;
  template: string;
  parameters: Parameter[];
  body: JsonSchema | undefined;
  /** Statuses the document gives the operation: a documented 503 (readiness) is an answer, not a failure. */
  documented: Set<number>;
}
interface OpenApi {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: Parameter[];
        requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
        responses?: Record<string, unknown>;
      }
    >
  >;
}
interface FuzzRequest {
  path: Record<string, string>;
  query: [string, string][];
  body: { text: string; contentType: string | undefined } | undefined;
  token: string | undefined;
}
interface Finding {
  request: string;
  status: number;
  why: string;
  body: string;
}

const METHODS = new Set(['get', 'post', 'put', 'patch', 'delete']);

function operationsOf(document: OpenApi): Operation[] {
  return Object.entries(document.paths)
    .flatMap(([template, item]) =>
      Object.entries(item)
        .filter(([method]) => METHODS.has(method))
        .map(([method, op]) => ({
          method: method.toUpperCase(),
          template,
          parameters: op.parameters ?? [],
          body: op.requestBody?.content?.['application/json']?.schema,
          documented: new Set(Object.keys(op.responses ?? {}).map(Number)),
        })),
    )
    .sort((a, b) => Number(a.method === 'DELETE') - Number(b.method === 'DELETE'));
}

/** Bodies no schema describes: broken JSON, duplicate keys, deep nesting, NUL bytes, too much of it. */
const RAW_BODIES = fc.constantFrom(
  '',
  '{',
  '{"name":',
  '{"a":1,"a":2}',
  '{"name":"x","name":"y"}',
  'null',
  '[]',
  '"\\u0000"',
  '{"name":"a\\u0000b","uid":"\\u0000"}',
  '{"\\u0000":1}',
  '\u0000\u0000',
  '\uFEFF{"name":"bom"}',
  '{"name":"\\ud800"}',
  '1e999999',
  '{"throttleRate":1e400}',
  `${'['.repeat(5000)}${']'.repeat(5000)}`,
  `${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}`,
  JSON.stringify({ name: 'x'.repeat(MAX_BODY_BYTES * 2) }),
  `{"metadata":{${Array.from({ length: 2000 }, (_, i) => `"k${i}":"v"`).join(',')}}}`,
);

const CONTENT_TYPES = fc.constantFrom(
  'application/json',
  'application/json',
  'application/json',
  'application/json; charset=utf-8',
  'application/problem+json',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/json; charset=utf-16',
  undefined,
);

describe.each(testServerDrivers())('API fuzzer on %s', (driver) => {
  let server: TestServer;
  const errors: string[] = [];
  let document: OpenApi;
  const ids: Record<string, string[]> = {};
  const tokens: string[] = [];

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        const line = JSON.parse(chunk.toString('utf8')) as {
          level: number;
          msg: string;
          err?: { message: string };
        };
        if (line.level >= 50) errors.push(`${line.msg}: ${line.err?.message ?? ''}`);
        done();
      },
    });
    server = await startTestServer(
      driver,
      { SWITCHYARD_WORKER: 'false', SWITCHYARD_MAX_BODY_BYTES: String(MAX_BODY_BYTES) },
      pino({ level: 'error' }, sink),
    );
    document = (await (await fetch(`${server.url}/api/openapi.json`)).json()) as OpenApi;
    const operator = server.operatorTokenValue;
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${server.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${operator}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      expect(res.status, `${method} ${path}`).toBeLessThan(300);
      return (await res.json()) as Record<string, string>;
    };
    // Two apps with real resources: ids of the one a token may see, and of the other one.
    const own = await server.createAppWithToken('Fuzzed');
    const other = await call('POST', '/api/v1/app', { name: 'Other', uid: 'other-app' });
    const endpoint = await call('POST', `/api/v1/app/${own.appId}/endpoint`, {
      url: 'https://example.com/hook',
    });
    const otherEndpoint = await call('POST', `/api/v1/app/${other.id}/endpoint`, {
      url: 'https://example.com/o',
    });
    const payload = { business_id: 'bus_1', type: 'payment.succeeded', data: { payment_id: 'pay_1' } };
    const message = await call('POST', `/api/v1/app/${own.appId}/msg`, {
      eventType: 'payment.succeeded',
      payload,
    });
    ids.app_id = [own.appId, other.id!, 'other-app'];
    ids.endpoint_id = [endpoint.id!, otherEndpoint.id!];
    ids.msg_id = [message.id!];
    ids.event_type_name = ['payment.succeeded', 'refund.succeeded'];
    ids.connector_id = ['segment', 'slack', 'webhook'];
    tokens.push(
      operator,
      own.token,
      `${own.token.slice(0, -4)}AAAA`,
      'sy_admin_wrong_token_0123456789abcdef',
    );
  });
  afterAll(async () => {
    await server?.close();
  });

  function requestArbitrary(operation: Operation): fc.Arbitrary<FuzzRequest> {
    const pathParams = operation.parameters.filter((p) => p.in === 'path');
    const queryParams = operation.parameters.filter((p) => p.in === 'query');
    const idLike = (name: string) =>
      fc.oneof(
        { arbitrary: fc.constantFrom(...(ids[name] ?? ['x'])), weight: 4 },
        {
          arbitrary: fc.constantFrom(
            '..',
            '.',
            '%2e%2e',
            'app_2nX4fKpG6cT0s1kU3aZbQ9vYw7R',
            'a'.repeat(3000),
          ),
          weight: 1,
        },
        { arbitrary: nastyString.map((v) => encodeURIComponent(v.toWellFormed())), weight: 2 },
      );
    const path = fc.record(Object.fromEntries(pathParams.map((p) => [p.name, idLike(p.name)])));
    const queryValue = (p: Parameter) =>
      fc.oneof(
        arbitraryFromSchema(p.schema ?? {}, document).map((v) =>
          typeof v === 'string' ? v : JSON.stringify(v),
        ),
        nastyString,
        fc.constantFrom('-1', '0', '1e400', '9'.repeat(40), 'NaN', 'true', '2026-13-45'),
      );
    const query = fc
      .tuple(
        fc
          .subarray(queryParams)
          .chain((chosen) =>
            fc.tuple(...chosen.map((p) => queryValue(p).map((v) => [p.name, v] as [string, string]))),
          ),
        fc.array(fc.tuple(nastyString, nastyString), { maxLength: 2 }),
      )
      .map(([declared, unknown]) => [...declared, ...unknown]);
    const schemaBody = operation.body
      ? arbitraryFromSchema(operation.body, document).map((v) => JSON.stringify(v) ?? 'null')
      : fc.constant(undefined);
    const body = fc.option(
      fc.record({
        text: fc.oneof(
          { arbitrary: schemaBody.map((t) => t ?? ''), weight: 6 },
          { arbitrary: RAW_BODIES, weight: 2 },
          { arbitrary: anyJson.map((v) => JSON.stringify(v) ?? 'null'), weight: 1 },
        ),
        contentType: CONTENT_TYPES,
      }),
      { freq: 8, nil: undefined },
    );
    const token = fc.oneof(
      { arbitrary: fc.constantFrom(tokens[0]!, tokens[1]!), weight: 8 },
      { arbitrary: fc.constantFrom(tokens[2]!, tokens[3]!, undefined), weight: 1 },
    );
    return fc.record({ path, query, body, token });
  }

  async function send(operation: Operation, request: FuzzRequest): Promise<Finding | undefined> {
    const path = operation.template.replace(/\{([^}]+)\}/g, (_m, name: string) => request.path[name] ?? 'x');
    const search = new URLSearchParams(request.query).toString();
    const label = `${operation.method} ${path.slice(0, 200)}${search ? `?${search.slice(0, 200)}` : ''}`;
    const headers: Record<string, string> = {};
    if (request.token) headers.authorization = `Bearer ${request.token}`;
    const hasBody = request.body !== undefined && operation.method !== 'GET';
    if (hasBody && request.body!.contentType) headers['content-type'] = request.body!.contentType;
    let res: Response;
    try {
      res = await fetch(`${server.url}${path}${search ? `?${search}` : ''}`, {
        method: operation.method,
        headers,
        ...(hasBody ? { body: request.body!.text } : {}),
        signal: AbortSignal.timeout(15_000),
      });
    } catch (error) {
      return { request: label, status: 0, why: `no answer: ${(error as Error).message}`, body: '' };
    }
    const text = await res.text();
    const finding = (why: string) => ({ request: label, status: res.status, why, body: text.slice(0, 300) });
    if (res.status >= 500 && (res.status === 500 || !operation.documented.has(res.status)))
      return finding('5xx');
    if (res.status >= 500) return undefined;
    if (res.status < 400) return undefined;
    if (res.headers.get('content-type') !== 'application/problem+json')
      return finding('4xx not problem+json');
    try {
      const problem = JSON.parse(text) as Record<string, unknown>;
      for (const member of ['type', 'title', 'detail'])
        if (problem[member] === undefined) return finding(`problem without ${member}`);
      if (problem.status !== res.status) return finding('problem status differs from the HTTP status');
    } catch {
      return finding('problem body is not JSON');
    }
    return undefined;
  }

  it(`sends ${REQUESTS_PER_OPERATION} requests to every operation: no 5xx, every 4xx a problem, still healthy (seed ${SEED})`, async () => {
    const findings: Finding[] = [];
    let sent = 0;
    const operations = operationsOf(document);
    for (const [index, operation] of operations.entries()) {
      const requests = fc.sample(requestArbitrary(operation), {
        numRuns: REQUESTS_PER_OPERATION,
        seed: SEED + index,
      });
      for (const request of requests) {
        sent++;
        const finding = await send(operation, request);
        if (finding) findings.push(finding);
      }
      const health = await fetch(`${server.url}/api/v1/health`);
      expect(health.status, `health after ${operation.method} ${operation.template}`).toBe(204);
    }
    const byWhy = new Map<string, Finding>();
    for (const f of findings) byWhy.set(`${f.why} ${f.request.split(' ')[0]} ${f.body.slice(0, 80)}`, f);
    recordHostileRow({
      suite: `api-fuzzer.fault.ts (${driver})`,
      checks: sent,
      failures: findings.length,
      note: `${operations.length} operations, ${sent} requests: no 5xx, every 4xx a problem document, health after each operation (seed ${SEED})`,
    });
    expect(
      [...byWhy.values()].slice(0, 15),
      `server errors logged: ${errors.slice(0, 5).join(' | ')}`,
    ).toEqual([]);
  });
});
