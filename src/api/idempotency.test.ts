import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startTestServer,
  TEST_OPERATOR_TOKEN,
  type TestServer,
  testServerDrivers,
} from '../server/testing.ts';

interface Reply {
  status: number;
  text: string;
  contentType: string | null;
}

const payload = (n: number) => ({
  business_id: 'bus_1',
  type: 'payment.succeeded',
  timestamp: '2026-11-23T10:00:00.000000Z',
  data: { payload_type: 'Payment', payment_id: `pay_${n}`, total_amount: 2999 },
});

describe.each(testServerDrivers())('Idempotency-Key over HTTP on %s', (driver) => {
  let server: TestServer;

  beforeAll(async () => {
    // No worker: these tests are about the API's bookkeeping only.
    server = await startTestServer(driver, { SWITCHYARD_WORKER: 'false' });
  });
  afterAll(async () => {
    await server?.close();
  });

  async function call(
    method: string,
    path: string,
    options: { body?: unknown; key?: string; token?: string } = {},
  ): Promise<Reply> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${options.token ?? TEST_OPERATOR_TOKEN}`,
    };
    if (options.key !== undefined) headers['idempotency-key'] = options.key;
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers,
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
    return { status: res.status, text: await res.text(), contentType: res.headers.get('content-type') };
  }

  const json = <T = Record<string, unknown>>(reply: Reply) => JSON.parse(reply.text) as T;

  async function createApp(name = 'Merchant'): Promise<string> {
    const reply = await call('POST', '/api/v1/app', { body: { name } });
    expect(reply.status).toBe(201);
    return json<{ id: string }>(reply).id;
  }

  async function messageIds(appId: string): Promise<string[]> {
    const reply = await call('GET', `/api/v1/app/${appId}/msg?limit=250`);
    expect(reply.status).toBe(200);
    return json<{ data: { id: string }[] }>(reply).data.map((m) => m.id);
  }

  const sendMessage = (appId: string, key: string | undefined, n = 1, token?: string, query = '') =>
    call('POST', `/api/v1/app/${appId}/msg${query}`, {
      body: { eventType: 'payment.succeeded', payload: payload(n) },
      ...(key !== undefined ? { key } : {}),
      ...(token !== undefined ? { token } : {}),
    });

  it('replays the first response for a repeated key and stores one message', async () => {
    const appId = await createApp();
    const key = `key-${randomUUID()}`;
    const first = await sendMessage(appId, key);
    expect(first.status).toBe(202);
    const message = json<{ id: string; eventType: string; payload: unknown }>(first);
    expect(message.id).toMatch(/^msg_[A-Za-z0-9]{27}$/);
    expect(message.eventType).toBe('payment.succeeded');
    expect(message.payload).toEqual(payload(1));

    const second = await sendMessage(appId, key);
    expect(second.status).toBe(first.status);
    expect(second.text).toBe(first.text);
    expect(second.contentType).toMatch(/^application\/json/);
    expect(await messageIds(appId)).toEqual([message.id]);
  });

  it('does not compare bodies: the same key with another body still replays the first response', async () => {
    const appId = await createApp();
    const key = `key-${randomUUID()}`;
    const first = await sendMessage(appId, key, 1);
    const second = await sendMessage(appId, key, 2);
    expect(second.status).toBe(202);
    expect(second.text).toBe(first.text);
    expect(json(second).payload).toEqual(payload(1));
    expect(await messageIds(appId)).toHaveLength(1);
  });

  it('creates a message each time without a key', async () => {
    const appId = await createApp();
    const first = await sendMessage(appId, undefined);
    const second = await sendMessage(appId, undefined);
    expect(json(first).id).not.toBe(json(second).id);
    expect(await messageIds(appId)).toHaveLength(2);
  });

  it('scopes a key to the token: another token with the same key is a new request', async () => {
    const appId = await createApp();
    const portal = await call('POST', `/api/v1/auth/app-portal-access/${appId}`, { body: {} });
    expect(portal.status).toBe(200);
    const appToken = json<{ token: string }>(portal).token;

    const key = `key-${randomUUID()}`;
    const byOperator = await sendMessage(appId, key);
    const byApp = await sendMessage(appId, key, 1, appToken);
    expect(byOperator.status).toBe(202);
    expect(byApp.status).toBe(202);
    expect(json(byApp).id).not.toBe(json(byOperator).id);

    // Each token's own repeat replays its own response.
    expect((await sendMessage(appId, key, 1, appToken)).text).toBe(byApp.text);
    expect((await sendMessage(appId, key)).text).toBe(byOperator.text);
    expect((await messageIds(appId)).sort()).toEqual([json(byOperator).id, json(byApp).id].sort());
  });

  it('scopes a key to the URL: another app, or another query string, is a new request', async () => {
    const appA = await createApp('A');
    const appB = await createApp('B');
    const key = `key-${randomUUID()}`;
    const toA = await sendMessage(appA, key);
    const toB = await sendMessage(appB, key);
    expect(toA.status).toBe(202);
    expect(toB.status).toBe(202);
    expect(json(toB).id).not.toBe(json(toA).id);
    expect(await messageIds(appA)).toEqual([json(toA).id]);
    expect(await messageIds(appB)).toEqual([json(toB).id]);

    const withoutContent = await sendMessage(appA, key, 1, undefined, '?with_content=false');
    expect(withoutContent.status).toBe(202);
    expect(json(withoutContent).id).not.toBe(json(toA).id);
    expect(json(withoutContent).payload).toEqual({});
    expect(await messageIds(appA)).toHaveLength(2);
    // ... and that URL's repeat replays its own response.
    expect((await sendMessage(appA, key, 1, undefined, '?with_content=false')).text).toBe(
      withoutContent.text,
    );
  });

  it('does not keep the key of a failed request: a corrected retry with the key succeeds', async () => {
    const appId = await createApp();
    const key = `key-${randomUUID()}`;
    const invalid = await call('POST', `/api/v1/app/${appId}/msg`, {
      key,
      body: { eventType: 'payment succeeded!', payload: payload(1) },
    });
    expect(invalid.status).toBe(422);
    expect(json<{ detail: { loc: unknown[] }[] }>(invalid).detail.map((d) => d.loc)).toContainEqual([
      'body',
      'eventType',
    ]);
    expect(await messageIds(appId)).toEqual([]);

    const corrected = await sendMessage(appId, key);
    expect(corrected.status).toBe(202);
    const id = json(corrected).id;
    expect(await messageIds(appId)).toEqual([id]);
    expect((await sendMessage(appId, key)).text).toBe(corrected.text);
  });

  it('does not keep the key of a 404 or 409 either', async () => {
    const key = `key-${randomUUID()}`;
    const uid = `late-${randomUUID().slice(0, 8)}`;
    const missing = await sendMessage(uid, key);
    expect(missing.status).toBe(404);
    expect(json(missing).code).toBe('not_found');

    // The app appears; the same key and URL now creates the message.
    expect((await call('PUT', `/api/v1/app/${uid}`, { body: { name: 'Late' } })).status).toBe(201);
    const found = await sendMessage(uid, key);
    expect(found.status).toBe(202);
    expect(await messageIds(uid)).toEqual([json(found).id]);

    const eventId = `evt-${randomUUID().slice(0, 8)}`;
    const conflictKey = `key-${randomUUID()}`;
    const body = { eventType: 'payment.succeeded', eventId, payload: payload(1) };
    expect((await call('POST', `/api/v1/app/${uid}/msg`, { body })).status).toBe(202);
    const conflict = await call('POST', `/api/v1/app/${uid}/msg`, { body, key: conflictKey });
    expect(conflict.status).toBe(409);
    const again = await call('POST', `/api/v1/app/${uid}/msg`, { body, key: conflictKey });
    expect(again.status).toBe(409);
    expect(json(again).code).toBe('conflict');
  });

  it('creates one message for concurrent requests with one key', async () => {
    const appId = await createApp();
    const key = `key-${randomUUID()}`;
    const replies = await Promise.all(Array.from({ length: 5 }, () => sendMessage(appId, key)));
    for (const reply of replies) {
      expect(reply.status).toBe(202);
      expect(reply.text).toBe(replies[0]!.text);
    }
    expect(await messageIds(appId)).toEqual([json(replies[0]!).id]);
  });

  it('creates one application for concurrent creates with one key', async () => {
    const key = `key-${randomUUID()}`;
    const name = `concurrent-${randomUUID()}`;
    const replies = await Promise.all(
      Array.from({ length: 4 }, () => call('POST', '/api/v1/app', { key, body: { name } })),
    );
    for (const reply of replies) {
      expect(reply.status).toBe(201);
      expect(reply.text).toBe(replies[0]!.text);
    }
    const list = await call('GET', '/api/v1/app?limit=250');
    const apps = json<{ data: { name: string }[] }>(list).data.filter((a) => a.name === name);
    expect(apps).toHaveLength(1);
  });

  it('replays the 201 of an application create instead of answering 409 for its uid', async () => {
    const key = `key-${randomUUID()}`;
    const uid = `idem-${randomUUID().slice(0, 8)}`;
    const first = await call('POST', '/api/v1/app', { key, body: { name: 'Idempotent app', uid } });
    expect(first.status).toBe(201);
    const app = json<{ id: string; uid: string; name: string }>(first);
    expect(app).toMatchObject({ uid, name: 'Idempotent app' });

    const second = await call('POST', '/api/v1/app', { key, body: { name: 'Idempotent app', uid } });
    expect(second.status).toBe(201);
    expect(second.text).toBe(first.text);

    // Without the key the duplicate uid is refused, so the replay really came from the stored response.
    const unkeyed = await call('POST', '/api/v1/app', { body: { name: 'Idempotent app', uid } });
    expect(unkeyed.status).toBe(409);
    const list = await call('GET', '/api/v1/app?limit=250');
    expect(json<{ data: { uid: string | null }[] }>(list).data.filter((a) => a.uid === uid)).toHaveLength(1);
  });

  it('replays endpoint creation too', async () => {
    const appId = await createApp();
    const key = `key-${randomUUID()}`;
    const body = { url: 'https://example.com/hooks' };
    const first = await call('POST', `/api/v1/app/${appId}/endpoint`, { key, body });
    const second = await call('POST', `/api/v1/app/${appId}/endpoint`, { key, body });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.text).toBe(first.text);
    const list = await call('GET', `/api/v1/app/${appId}/endpoint`);
    expect(json<{ data: { id: string }[] }>(list).data.map((e) => e.id)).toEqual([json(first).id]);
  });

  it('replays a 204 without a body: a repeated secret rotation rotates once', async () => {
    const appId = await createApp();
    const endpoint = await call('POST', `/api/v1/app/${appId}/endpoint`, {
      body: { url: 'https://example.com/rotate' },
    });
    const endpointId = json(endpoint).id as string;
    const secretPath = `/api/v1/app/${appId}/endpoint/${endpointId}/secret`;
    const original = json(await call('GET', secretPath)).key;

    const key = `key-${randomUUID()}`;
    const first = await call('POST', `${secretPath}/rotate`, { key, body: {} });
    expect(first.status).toBe(204);
    expect(first.text).toBe('');
    const rotated = json(await call('GET', secretPath)).key;
    expect(rotated).not.toBe(original);

    const second = await call('POST', `${secretPath}/rotate`, { key, body: {} });
    expect(second.status).toBe(204);
    expect(second.text).toBe('');
    expect(json(await call('GET', secretPath)).key).toBe(rotated);

    // A new key rotates again.
    const third = await call('POST', `${secretPath}/rotate`, { key: `key-${randomUUID()}`, body: {} });
    expect(third.status).toBe(204);
    expect(json(await call('GET', secretPath)).key).not.toBe(rotated);
  });

  it('honours keys only on POST', async () => {
    const appId = await createApp('Original');
    const key = `key-${randomUUID()}`;

    const get1 = await call('GET', `/api/v1/app/${appId}`, { key });
    expect(json(get1).name).toBe('Original');

    const patch1 = await call('PATCH', `/api/v1/app/${appId}`, { key, body: { name: 'Patched once' } });
    expect(patch1.status).toBe(200);
    expect(json(patch1).name).toBe('Patched once');
    const patch2 = await call('PATCH', `/api/v1/app/${appId}`, { key, body: { name: 'Patched twice' } });
    expect(patch2.status).toBe(200);
    expect(json(patch2).name).toBe('Patched twice');

    const put1 = await call('PUT', `/api/v1/app/${appId}`, { key, body: { name: 'Put once' } });
    const put2 = await call('PUT', `/api/v1/app/${appId}`, { key, body: { name: 'Put twice' } });
    expect(json(put1).name).toBe('Put once');
    expect(json(put2).name).toBe('Put twice');

    const get2 = await call('GET', `/api/v1/app/${appId}`, { key });
    expect(get2.status).toBe(200);
    expect(json(get2).name).toBe('Put twice');
    expect(get2.text).not.toBe(get1.text);

    const endpoint = await call('POST', `/api/v1/app/${appId}/endpoint`, {
      body: { url: 'https://example.com/a' },
    });
    const endpointId = json(endpoint).id as string;
    const del1 = await call('DELETE', `/api/v1/app/${appId}/endpoint/${endpointId}`, { key });
    expect(del1.status).toBe(204);
    const del2 = await call('DELETE', `/api/v1/app/${appId}/endpoint/${endpointId}`, { key });
    expect(del2.status).toBe(404);

    // The key was never taken by those calls: a POST with it now runs for real.
    const post = await sendMessage(appId, key);
    expect(post.status).toBe(202);
    expect(await messageIds(appId)).toEqual([json(post).id]);
  });

  it('refuses a key longer than 256 characters', async () => {
    const appId = await createApp();
    const reply = await sendMessage(appId, 'k'.repeat(257));
    expect(reply.status).toBe(400);
    expect(json(reply).code).toBe('generic_error');
    expect(await messageIds(appId)).toEqual([]);
  });
});
