import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestReceiver, type TestReceiver } from '../delivery/test-receiver.ts';
import { startTestServer, type TestServer, testServerDrivers } from '../server/testing.ts';

/**
 * Tenancy: an app-portal token sees one application only. Every operation of the server's own OpenAPI
 * document that names an `{app_id}` is called with app B's token and app A's ids; each must answer exactly
 * as it would for ids that do not exist, and app A must be unchanged afterwards.
 */

type Json = Record<string, unknown>;
interface Answer {
  status: number;
  contentType: string | null;
  body: Json | null;
}
interface OpenApiSchema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, OpenApiSchema>;
  required?: string[];
  items?: OpenApiSchema;
  minItems?: number;
  minLength?: number;
  minimum?: number;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  allOf?: OpenApiSchema[];
  anyOf?: OpenApiSchema[];
  oneOf?: OpenApiSchema[];
}
interface OpenApiParameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: OpenApiSchema;
}
interface OpenApiOperation {
  operationId?: string;
  parameters?: OpenApiParameter[];
  requestBody?: { content?: Record<string, { schema?: OpenApiSchema }> };
}
interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, OpenApiSchema> };
}
interface Operation {
  key: string;
  method: string;
  path: string;
  operation: OpenApiOperation;
}

const HTTP_METHODS = new Set(['get', 'put', 'post', 'patch', 'delete']);
const HOUR_AGO = () => new Date(Date.now() - 3_600_000).toISOString();
const VALID_SECRET = `whsec_${Buffer.alloc(24, 7).toString('base64')}`;
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const randomId = (prefix: string) =>
  prefix + Array.from(randomBytes(27), (b) => BASE62[b % BASE62.length]).join('');

/**
 * Plausible, valid bodies for the known writes, so that a call fails only because of whose app it names.
 * Writes not listed get a minimal body generated from their schema; if that is not valid, the call answers
 * 422 and the test names the operation to add here.
 */
const BODIES: Record<string, unknown> = {
  'PUT /api/v1/app/{app_id}': { name: 'Taken over', metadata: { by: 'b' } },
  'PATCH /api/v1/app/{app_id}': { name: 'Taken over' },
  'POST /api/v1/app/{app_id}/endpoint': {
    url: 'https://attacker.example/hook',
    eventTypes: ['payment.succeeded'],
  },
  'PUT /api/v1/app/{app_id}/endpoint/{endpoint_id}': { url: 'https://attacker.example/hook' },
  'PATCH /api/v1/app/{app_id}/endpoint/{endpoint_id}': {
    url: 'https://attacker.example/hook',
    disabled: true,
  },
  'POST /api/v1/app/{app_id}/endpoint/{endpoint_id}/secret/rotate': {
    key: VALID_SECRET,
    gracePeriodSeconds: 0,
  },
  'PUT /api/v1/app/{app_id}/endpoint/{endpoint_id}/headers': { headers: { 'x-stolen': '1' } },
  'PATCH /api/v1/app/{app_id}/endpoint/{endpoint_id}/headers': {
    headers: { 'x-stolen': '1' },
    deleteHeaders: ['x-tenant'],
  },
  'POST /api/v1/app/{app_id}/msg': { eventType: 'payment.succeeded', payload: { stolen: true } },
  'POST /api/v1/app/{app_id}/endpoint/{endpoint_id}/recover': { since: HOUR_AGO() },
  'POST /api/v1/app/{app_id}/endpoint/{endpoint_id}/replay-missing': { since: HOUR_AGO() },
  'POST /api/v1/app/{app_id}/endpoint/{endpoint_id}/bulk-replay': { since: HOUR_AGO() },
  'POST /api/v1/app/{app_id}/endpoint/{endpoint_id}/send-example': { eventType: 'payment.succeeded' },
  'POST /api/v1/auth/app-portal-access/{app_id}': {},
  'POST /api/v1/auth/app/{app_id}/expire-all': {},
};

/** Operations an app-portal token may never use, not even on its own app: 403 whatever the app. */
const OPERATOR_ONLY = new Set([
  'PUT /api/v1/app/{app_id}',
  'PATCH /api/v1/app/{app_id}',
  'DELETE /api/v1/app/{app_id}',
  'POST /api/v1/auth/app-portal-access/{app_id}',
  'POST /api/v1/auth/app/{app_id}/expire-all',
]);

/** A minimal instance of a JSON Schema (required members only), for writes without a listed body. */
function sample(schema: OpenApiSchema | undefined, doc: OpenApiDocument): unknown {
  if (!schema) return {};
  if (schema.$ref) return sample(doc.components?.schemas?.[schema.$ref.split('/').pop()!], doc);
  if (schema.allOf) return Object.assign({}, ...schema.allOf.map((s) => sample(s, doc)));
  const choices = schema.anyOf ?? schema.oneOf;
  if (choices) return sample(choices.find((s) => s.type !== 'null') ?? choices[0], doc);
  if (schema.example !== undefined) return schema.example;
  if (schema.enum) return schema.enum[0];
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () => sample(schema.items, doc));
    case 'string':
      if (schema.format === 'date-time') return HOUR_AGO();
      if (schema.format === 'uri') return 'https://example.com/x';
      return 'x'.repeat(Math.max(schema.minLength ?? 1, 1));
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return false;
    default:
      return Object.fromEntries(
        (schema.required ?? []).map((name) => [name, sample(schema.properties?.[name], doc)]),
      );
  }
}

function requestBodyFor(op: Operation, doc: OpenApiDocument): unknown {
  if (op.key in BODIES) return BODIES[op.key];
  const content = op.operation.requestBody?.content;
  if (!content) return undefined;
  return sample((content['application/json'] ?? Object.values(content)[0])?.schema, doc);
}

function requiredQuery(op: Operation, doc: OpenApiDocument): string {
  const params = (op.operation.parameters ?? []).filter((p) => p.in === 'query' && p.required);
  const query = new URLSearchParams(
    params.map((p): [string, string] => [p.name, String(sample(p.schema, doc))]),
  );
  return params.length ? `?${query}` : '';
}

const pathParams = (path: string) => [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);

/** Path parameters that name something every app shares (an integration card), not a tenant's resource. */
const SHARED_PARAMS = new Set(['connector_id']);

describe.each(testServerDrivers())('tenancy between applications on %s', (driver) => {
  let server: TestServer;
  let receiver: TestReceiver;
  let doc: OpenApiDocument;
  let operations: Operation[];
  const operator = () => server.operatorTokenValue;

  interface Tenant {
    appId: string;
    uid: string;
    token: string;
    endpointId: string;
    msgId: string;
    attemptId: string;
    connectionId: string;
  }
  let a: Tenant;
  let b: Tenant;

  async function call(method: string, path: string, token: string | undefined, body?: unknown) {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    const answer: Answer = {
      status: res.status,
      contentType: res.headers.get('content-type'),
      body: text ? (JSON.parse(text) as Json) : null,
    };
    return answer;
  }

  async function ok(method: string, path: string, body?: unknown, token = operator()): Promise<Json> {
    const answer = await call(method, path, token, body);
    if (answer.status >= 300)
      throw new Error(`${method} ${path} → ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body ?? {};
  }

  /** The worker delivers in the background; the tenant's first attempt proves the ids all exist. */
  async function waitForAttempt(appId: string, msgId: string): Promise<string> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const page = await ok('GET', `/api/v1/app/${appId}/attempt/msg/${msgId}`);
      const id = (page.data as { id: string }[])[0]?.id;
      if (id) return id;
      if (Date.now() > deadline) throw new Error(`no attempt for ${msgId} within 15 s`);
      await sleep(100);
    }
  }

  async function portalToken(appId: string): Promise<string> {
    return (await ok('POST', `/api/v1/auth/app-portal-access/${appId}`, {})).token as string;
  }

  async function createTenant(uid: string): Promise<Tenant> {
    const app = await ok('POST', '/api/v1/app', { name: `Tenant ${uid}`, uid });
    const appId = app.id as string;
    const endpoint = await ok('POST', `/api/v1/app/${appId}/endpoint`, {
      url: receiver.url,
      uid: `${uid}-endpoint`,
      headers: { 'x-tenant': uid },
    });
    const message = await ok('POST', `/api/v1/app/${appId}/msg`, {
      eventType: 'payment.succeeded',
      eventId: `${uid}-event-1`,
      payload: { tenant: uid },
    });
    const msgId = message.id as string;
    const attemptId = await waitForAttempt(appId, msgId);
    // This server has no OAuth app configured, so the authorization is started in the store directly.
    const connection = await server.store.oauthConnections.start({
      appId,
      connectorId: 'slack',
      endpointId: null,
      stateHash: randomBytes(32).toString('hex'),
      stateExpiresAt: new Date(Date.now() + 600_000),
      redirectUri: `${server.url}/api/v1/oauth/slack/callback`,
      returnPath: null,
    });
    return {
      appId,
      uid,
      token: await portalToken(appId),
      endpointId: endpoint.id as string,
      msgId,
      attemptId,
      connectionId: connection.id,
    };
  }

  /** Everything an operator can read about a tenant, to prove that nothing changed. */
  async function snapshot(t: Tenant) {
    const app = `/api/v1/app/${t.appId}`;
    const endpoint = `${app}/endpoint/${t.endpointId}`;
    const ids = async (path: string) => ((await ok('GET', path)).data as { id: string }[]).map((x) => x.id);
    return {
      app: await ok('GET', app),
      endpoint: await ok('GET', endpoint),
      secret: await ok('GET', `${endpoint}/secret`),
      headers: await ok('GET', `${endpoint}/headers`),
      message: await ok('GET', `${app}/msg/${t.msgId}`),
      attempt: await ok('GET', `${app}/msg/${t.msgId}/attempt/${t.attemptId}`),
      endpoints: await ids(`${app}/endpoint`),
      messages: await ids(`${app}/msg`),
      attempts: await ids(`${app}/attempt/msg/${t.msgId}`),
      tasks: await ids('/api/v1/background-task'),
      connections: await ids(`${app}/oauth-connection`),
      apps: await ids('/api/v1/app?limit=250'),
    };
  }

  function idsOf(t: Tenant, appRef: 'id' | 'uid'): Record<string, string> {
    return {
      app_id: appRef === 'id' ? t.appId : t.uid,
      endpoint_id: t.endpointId,
      msg_id: t.msgId,
      attempt_id: t.attemptId,
      connection_id: t.connectionId,
      connector_id: 'slack',
    };
  }

  const unknownIds: Record<string, string> = {
    app_id: randomId('app_'),
    endpoint_id: randomId('ep_'),
    msg_id: randomId('msg_'),
    attempt_id: randomId('atmpt_'),
    connection_id: randomId('conn_'),
    connector_id: 'slack',
  };

  function fill(op: Operation, ids: Record<string, string>, doc: OpenApiDocument): string {
    const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
      const id = ids[name];
      if (!id) throw new Error(`${op.key}: no id to substitute for {${name}}; add one to this test`);
      return encodeURIComponent(id);
    });
    return path + requiredQuery(op, doc);
  }

  beforeAll(async () => {
    receiver = await startTestReceiver();
    server = await startTestServer(driver, { SWITCHYARD_ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8' });
    const res = await fetch(`${server.url}/api/openapi.json`);
    expect(res.status).toBe(200);
    doc = (await res.json()) as OpenApiDocument;
    operations = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([method]) => HTTP_METHODS.has(method))
        .map(([method, operation]) => ({
          key: `${method.toUpperCase()} ${path}`,
          method: method.toUpperCase(),
          path,
          operation,
        })),
    );
    a = await createTenant('tenant-a');
    b = await createTenant('tenant-b');
    // A background task of A's, which B must not see.
    await ok('POST', `/api/v1/app/${a.appId}/endpoint/${a.endpointId}/replay-missing`, { since: HOUR_AGO() });
  });
  afterAll(async () => {
    await server?.close();
    await receiver?.close();
  });

  it('reads the operations from the OpenAPI document', () => {
    const scoped = operations.filter((op) => op.path.includes('{app_id}'));
    // Not vacuous: the document lists the app-scoped API (apps, endpoints, messages, attempts, replay, auth).
    expect(scoped.length).toBeGreaterThanOrEqual(30);
    for (const key of [
      'GET /api/v1/app/{app_id}/endpoint/{endpoint_id}/secret',
      'POST /api/v1/app/{app_id}/msg',
      'GET /api/v1/app/{app_id}/msg/{msg_id}/attempt/{attempt_id}',
    ])
      expect(operations.map((op) => op.key)).toContain(key);
  });

  it("answers every app-scoped operation on another app's ids as if they did not exist, and changes nothing", async () => {
    const before = await snapshot(a);
    const failures: string[] = [];
    let calls = 0;

    for (const op of operations.filter((o) => o.path.includes('{app_id}'))) {
      const body = requestBodyFor(op, doc);
      const expected = OPERATOR_ONLY.has(op.key)
        ? { status: 403, code: 'insufficient_access' }
        : { status: 404, code: 'not_found' };
      const others = pathParams(op.path).filter((p) => p !== 'app_id' && !SHARED_PARAMS.has(p));

      // A's app (by id and by uid) with all of A's ids; then B's own app with one foreign id at a time.
      const variants: { label: string; ids: Record<string, string>; unknown: Record<string, string> }[] = [
        { label: "A's id", ids: idsOf(a, 'id'), unknown: unknownIds },
        { label: "A's uid", ids: idsOf(a, 'uid'), unknown: { ...unknownIds, app_id: 'no-such-app-uid' } },
        ...others.map((param) => ({
          label: `B's app with A's ${param}`,
          ids: { ...idsOf(b, 'id'), [param]: idsOf(a, 'id')[param]! },
          unknown: { ...idsOf(b, 'id'), [param]: unknownIds[param]! },
        })),
      ];

      for (const variant of variants) {
        calls++;
        const path = fill(op, variant.ids, doc);
        const answer = await call(op.method, path, b.token, body);
        const where = `${op.key} (${variant.label}): ${op.method} ${path}`;
        if (
          answer.status !== expected.status ||
          answer.contentType !== 'application/problem+json' ||
          answer.body?.code !== expected.code
        ) {
          failures.push(
            `${where} → ${answer.status} ${answer.contentType} ${JSON.stringify(answer.body)}; expected ${expected.status} ${expected.code}`,
          );
          continue;
        }
        // Nothing to learn: the same answer as for ids that exist nowhere.
        const control = await call(op.method, fill(op, variant.unknown, doc), b.token, body);
        const shape = (x: Answer) => ({ status: x.status, code: x.body?.code, detail: x.body?.detail });
        if (JSON.stringify(shape(answer)) !== JSON.stringify(shape(control))) {
          failures.push(
            `${where} → ${JSON.stringify(shape(answer))}, but for unknown ids ${JSON.stringify(shape(control))}`,
          );
        }
      }
    }

    expect(failures).toEqual([]);
    expect(calls).toBeGreaterThanOrEqual(60);
    expect(await snapshot(a)).toEqual(before);
    // A's secret still signs: it was neither rotated nor replaced.
    expect(before.secret.key).toMatch(/^whsec_/);
  });

  it('refuses an invalid write to another app exactly as to a missing app (validation leaks nothing)', async () => {
    const bad = { url: 'not a url' };
    const theirs = await call('POST', `/api/v1/app/${a.appId}/endpoint`, b.token, bad);
    const missing = await call('POST', `/api/v1/app/${unknownIds.app_id}/endpoint`, b.token, bad);
    expect(theirs.status).toBeGreaterThanOrEqual(400);
    expect(theirs.status).toBeLessThan(500);
    expect(theirs).toEqual(missing);
  });

  it("answers the same reads with the owner's token (the checks above are not vacuous)", async () => {
    const reads = operations.filter((op) => op.method === 'GET' && op.path.includes('{app_id}'));
    expect(reads.length).toBeGreaterThanOrEqual(10);
    const failures: string[] = [];
    for (const op of reads) {
      for (const appRef of ['id', 'uid'] as const) {
        const path = fill(op, idsOf(a, appRef), doc);
        const answer = await call('GET', path, a.token);
        if (answer.status !== 200)
          failures.push(`${op.key}: GET ${path} → ${answer.status} ${JSON.stringify(answer.body)}`);
      }
    }
    expect(failures).toEqual([]);
    const attempt = await ok(
      'GET',
      `/api/v1/app/${a.uid}/msg/${a.msgId}/attempt/${a.attemptId}`,
      undefined,
      a.token,
    );
    expect(attempt).toMatchObject({ id: a.attemptId, msgId: a.msgId, endpointId: a.endpointId });
  });

  it("keeps an app's messages, endpoints and background tasks out of another app's lists", async () => {
    const apps = await ok('GET', '/api/v1/app?limit=250', undefined, b.token);
    expect((apps.data as { id: string }[]).map((x) => x.id)).toEqual([b.appId]);

    const tasks = await ok('GET', '/api/v1/background-task', undefined, b.token);
    expect(tasks.data).toEqual([]);
    const theirTasks = await ok('GET', '/api/v1/background-task', undefined, a.token);
    const taskId = (theirTasks.data as { id: string }[])[0]?.id;
    expect(taskId).toMatch(/^qtask_/);
    const task = await call('GET', `/api/v1/background-task/${taskId}`, b.token);
    expect(task.status).toBe(404);
    expect(task.body?.code).toBe('not_found');

    // B's attempt list filtered by A's endpoint: the endpoint is not B's.
    const filtered = await call(
      'GET',
      `/api/v1/app/${b.appId}/attempt/msg/${b.msgId}?endpoint_id=${a.endpointId}`,
      b.token,
    );
    expect(filtered.status).toBe(404);
    expect(filtered.body?.code).toBe('not_found');

    const endpoints = await ok('GET', `/api/v1/app/${b.appId}/endpoint`, undefined, b.token);
    expect((endpoints.data as { id: string }[]).map((x) => x.id)).toEqual([b.endpointId]);
    const messages = await ok('GET', `/api/v1/app/${b.appId}/msg`, undefined, b.token);
    expect((messages.data as { id: string }[]).map((x) => x.id)).toEqual([b.msgId]);
  });

  it('refuses operator-only operations to app tokens with 403, even on their own app', async () => {
    const refusals: [string, string, unknown][] = [
      ['POST', '/api/v1/app', { name: 'Sneaky' }],
      ['POST', '/api/v1/event-type', { name: 'sneaky.event', description: 'no' }],
      ['PUT', '/api/v1/event-type/payment.succeeded', { description: 'overwritten' }],
      ['PATCH', '/api/v1/event-type/payment.succeeded', { description: 'overwritten' }],
      ['DELETE', '/api/v1/event-type/payment.succeeded', undefined],
      ['POST', `/api/v1/auth/app-portal-access/${a.appId}`, {}],
      ['POST', `/api/v1/auth/app/${a.appId}/expire-all`, {}],
      ['PATCH', `/api/v1/app/${a.appId}`, { name: 'Renamed' }],
      ['DELETE', `/api/v1/app/${a.appId}`, undefined],
    ];
    const eventTypeBefore = await ok('GET', '/api/v1/event-type/payment.succeeded');
    const appsBefore = await ok('GET', '/api/v1/app?limit=250');
    for (const [method, path, body] of refusals) {
      const answer = await call(method, path, a.token, body);
      expect({ call: `${method} ${path}`, status: answer.status, contentType: answer.contentType }).toEqual({
        call: `${method} ${path}`,
        status: 403,
        contentType: 'application/problem+json',
      });
      expect(answer.body).toMatchObject({ status: 403, code: 'insufficient_access' });
    }
    expect(await ok('GET', '/api/v1/event-type/payment.succeeded')).toEqual(eventTypeBefore);
    expect(await call('GET', '/api/v1/event-type/sneaky.event', operator())).toMatchObject({ status: 404 });
    expect(await ok('GET', '/api/v1/app?limit=250')).toEqual(appsBefore);
    // A's token still works: expire-all was refused.
    expect((await call('GET', `/api/v1/app/${a.appId}`, a.token)).status).toBe(200);
  });

  it('rejects a token with 401 once its app had all tokens expired', async () => {
    const app = await ok('POST', '/api/v1/app', { name: 'Expiring' });
    const appId = app.id as string;
    const token = await portalToken(appId);
    expect((await call('GET', `/api/v1/app/${appId}`, token)).status).toBe(200);
    expect((await call('POST', `/api/v1/auth/app/${appId}/expire-all`, operator(), {})).status).toBe(204);
    for (const path of [`/api/v1/app/${appId}`, '/api/v1/app', `/api/v1/app/${appId}/endpoint`]) {
      const answer = await call('GET', path, token);
      expect(answer.status).toBe(401);
      expect(answer.contentType).toBe('application/problem+json');
      expect(answer.body).toMatchObject({ status: 401, code: 'authentication_failed' });
    }
    // Other apps' tokens are untouched.
    expect((await call('GET', `/api/v1/app/${b.appId}`, b.token)).status).toBe(200);
  });

  it('answers requests without a valid token with 401 problem+json', async () => {
    const cases: [string, Record<string, string>][] = [
      ['no header', {}],
      ['wrong token', { authorization: 'Bearer sy_app_not_a_real_token' }],
      ['wrong scheme', { authorization: `Basic ${operator()}` }],
      ['empty bearer', { authorization: 'Bearer ' }],
    ];
    for (const [label, headers] of cases) {
      for (const path of ['/api/v1/app', `/api/v1/app/${a.appId}/endpoint/${a.endpointId}/secret`]) {
        const res = await fetch(`${server.url}${path}`, { headers });
        const body = (await res.json()) as Json;
        expect({ label, path, status: res.status, type: res.headers.get('content-type') }).toEqual({
          label,
          path,
          status: 401,
          type: 'application/problem+json',
        });
        expect(body).toMatchObject({ status: 401, code: 'authentication_failed' });
        expect(typeof body.detail).toBe('string');
      }
    }
    const write = await fetch(`${server.url}/api/v1/app/${a.appId}/msg`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ eventType: 'payment.succeeded', payload: {} }),
    });
    expect(write.status).toBe(401);
    await write.body?.cancel();
    expect(((await ok('GET', `/api/v1/app/${a.appId}/msg`)).data as unknown[]).length).toBe(1);
  });
});
