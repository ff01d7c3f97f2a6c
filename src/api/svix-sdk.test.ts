import { randomBytes, randomUUID } from 'node:crypto';
import { ApiException, type ApplicationOut, type EndpointOut, Svix } from 'svix';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventCatalog } from '../catalog/index.ts';
import { startTestReceiver, type TestReceiver } from '../delivery/test-receiver.ts';
import {
  startTestServer,
  TEST_OPERATOR_TOKEN,
  type TestServer,
  testServerDrivers,
} from '../server/testing.ts';

/** What a Svix 4xx body looks like to the SDK: `{code, detail}`, or a list of invalid fields on 422. */
interface ErrorBody {
  code?: string;
  detail?: string | { loc: (string | number)[]; msg: string; type: string }[];
}

/** Awaits a call that must fail and returns the SDK's ApiException. */
async function apiError(call: Promise<unknown>): Promise<ApiException<ErrorBody>> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ApiException);
  return error as ApiException<ErrorBody>;
}

const uniq = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;
const newSecret = () => `whsec_${randomBytes(24).toString('base64')}`;
const paymentPayload = (n: number) => ({
  business_id: 'bus_1',
  type: 'payment.succeeded',
  timestamp: '2026-11-23T10:00:00.000000Z',
  data: { payload_type: 'Payment', payment_id: `pay_${n}`, total_amount: 2999 },
});

const APP_ID = /^app_[A-Za-z0-9]{27}$/;
const EP_ID = /^ep_[A-Za-z0-9]{27}$/;
const MSG_ID = /^msg_[A-Za-z0-9]{27}$/;
const ATTEMPT_ID = /^atmpt_[A-Za-z0-9]{27}$/;
const WHSEC = /^whsec_[A-Za-z0-9+/]{32}$/;

function expectValidDate(value: unknown) {
  expect(value).toBeInstanceOf(Date);
  expect(Number.isNaN((value as Date).getTime())).toBe(false);
}

describe.each(testServerDrivers())('the svix SDK against Switchyard on %s', (driver) => {
  let server: TestServer;
  let receiver: TestReceiver;
  let svix: Svix;

  beforeAll(async () => {
    receiver = await startTestReceiver();
    server = await startTestServer(driver, { SWITCHYARD_ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8' });
    svix = new Svix(TEST_OPERATOR_TOKEN, { serverUrl: server.url });
  });
  afterAll(async () => {
    await server?.close();
    await receiver?.close();
  });

  describe('application', () => {
    it('creates an application with every field and gets it by id and by uid', async () => {
      const uid = uniq('merchant');
      const app = await svix.application.create({
        name: 'Acme Store',
        uid,
        throttleRate: 50,
        metadata: { tier: 'gold' },
      });
      expect(app.id).toMatch(APP_ID);
      expect(app).toMatchObject({ name: 'Acme Store', uid, throttleRate: 50, metadata: { tier: 'gold' } });
      expectValidDate(app.createdAt);
      expectValidDate(app.updatedAt);

      expect(await svix.application.get(app.id)).toEqual(app);
      expect(await svix.application.get(uid)).toEqual(app);
    });

    it('getOrCreate creates once and then returns the same application', async () => {
      const uid = uniq('goc');
      const first = await svix.application.getOrCreate({ name: 'First name', uid });
      const second = await svix.application.getOrCreate({ name: 'Other name', uid });
      expect(second.id).toBe(first.id);
      expect(second.name).toBe('First name');
      const page = await svix.application.list({ limit: 250 });
      expect(page.data.filter((a) => a.uid === uid)).toHaveLength(1);
    });

    it('rejects a second create with the same uid with 409', async () => {
      const uid = uniq('dup');
      await svix.application.create({ name: 'One', uid });
      const error = await apiError(svix.application.create({ name: 'Two', uid }));
      expect(error.code).toBe(409);
      expect(error.body.code).toBe('conflict');
    });

    it('lists applications and pages through them with the iterator', async () => {
      const names = [uniq('list'), uniq('list'), uniq('list')];
      const created: ApplicationOut[] = [];
      for (const name of names) created.push(await svix.application.create({ name }));

      const all = await svix.application.list({ limit: 250 });
      expect(all.done).toBe(true);
      const ids = all.data.map((a) => a.id);
      for (const app of created) expect(ids).toContain(app.id);
      expect(all.data.find((a) => a.id === created[0]!.id)?.name).toBe(names[0]);

      const seen: string[] = [];
      let iterator: string | null = null;
      for (let pages = 0; pages < 100; pages++) {
        const page = await svix.application.list({ limit: 2, iterator });
        expect(page.data.length).toBeLessThanOrEqual(2);
        seen.push(...page.data.map((a) => a.id));
        if (page.done) break;
        iterator = page.iterator;
        expect(iterator).toBeTruthy();
      }
      expect(seen).toHaveLength(new Set(seen).size);
      expect([...seen].sort()).toEqual([...ids].sort());
    });

    it('upsert replaces an existing application and creates a missing one under the given uid', async () => {
      const app = await svix.application.create({ name: 'Before', metadata: { a: '1' }, throttleRate: 10 });
      const updated = await svix.application.upsert(app.id, { name: 'After', metadata: { b: '2' } });
      expect(updated.id).toBe(app.id);
      expect(updated.name).toBe('After');
      expect(updated.metadata).toEqual({ b: '2' });
      expect(updated.throttleRate ?? null).toBeNull();
      expect(updated.updatedAt.getTime()).toBeGreaterThanOrEqual(app.updatedAt.getTime());

      const uid = uniq('upserted');
      const created = await svix.application.upsert(uid, { name: 'Upserted' });
      expect(created.id).toMatch(APP_ID);
      expect(created.uid).toBe(uid);
      expect((await svix.application.get(uid)).id).toBe(created.id);
    });

    it('patch changes only the given fields', async () => {
      const uid = uniq('patch');
      const app = await svix.application.create({
        name: 'Patch me',
        uid,
        metadata: { keep: 'yes' },
        throttleRate: 5,
      });
      const patched = await svix.application.patch(app.id, { name: 'Patched' });
      expect(patched).toMatchObject({ id: app.id, name: 'Patched', uid, metadata: { keep: 'yes' } });
      expect(patched.throttleRate).toBe(5);

      const unset = await svix.application.patch(app.id, { throttleRate: null, metadata: { other: 'x' } });
      expect(unset.throttleRate ?? null).toBeNull();
      expect(unset.metadata).toEqual({ other: 'x' });
      expect(unset.name).toBe('Patched');
    });

    it('deletes an application, after which it is not found', async () => {
      const app = await svix.application.create({ name: 'Doomed' });
      await svix.application.delete(app.id);
      const error = await apiError(svix.application.get(app.id));
      expect(error.code).toBe(404);
      expect(error.body.code).toBe('not_found');
      const list = await svix.application.list({ limit: 250 });
      expect(list.data.map((a) => a.id)).not.toContain(app.id);
    });
  });

  describe('event type', () => {
    it('lists the whole catalog, without schemas unless asked', async () => {
      const page = await svix.eventType.list({ limit: 250 });
      expect(page.done).toBe(true);
      const names = page.data.map((e) => e.name);
      expect(eventCatalog).toHaveLength(48);
      for (const entry of eventCatalog) expect(names).toContain(entry.name);
      expect(page.data.every((e) => e.schemas === undefined)).toBe(true);

      const withContent = await svix.eventType.list({ limit: 250, withContent: true });
      const payment = withContent.data.find((e) => e.name === 'payment.succeeded');
      expect(payment?.schemas?.['1']).toBeTypeOf('object');
    });

    it('pages through event types by name', async () => {
      const all = (await svix.eventType.list({ limit: 250 })).data.map((e) => e.name);
      const paged: string[] = [];
      let iterator: string | null = null;
      for (let pages = 0; pages < 100; pages++) {
        const page = await svix.eventType.list({ limit: 10, iterator });
        expect(page.data.length).toBeLessThanOrEqual(10);
        paged.push(...page.data.map((e) => e.name));
        if (page.done) break;
        iterator = page.iterator;
      }
      expect(paged).toEqual(all);
      expect(paged.length).toBeGreaterThanOrEqual(48);
    });

    it('gets a catalog event type with its schema', async () => {
      const eventType = await svix.eventType.get('payment.succeeded');
      expect(eventType.name).toBe('payment.succeeded');
      expect(eventType.groupName).toBe('payment');
      expect(eventType.deprecated).toBe(false);
      expect(eventType.archived).toBe(false);
      expect(eventType.description.length).toBeGreaterThan(0);
      expect(eventType.schemas['1']).toBeTypeOf('object');
      expectValidDate(eventType.createdAt);
    });

    it('creates, upserts, patches and archives an event type', async () => {
      const name = `${uniq('custom')}.created`;
      const schema = { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] };
      const created = await svix.eventType.create({
        name,
        description: 'A custom event',
        schemas: { '1': schema },
        groupName: 'custom',
        featureFlags: ['beta'],
      });
      expect(created).toMatchObject({
        name,
        description: 'A custom event',
        deprecated: false,
        archived: false,
        groupName: 'custom',
        featureFlags: ['beta'],
      });
      expect((await svix.eventType.get(name)).schemas).toEqual({ '1': schema });

      const duplicate = await apiError(svix.eventType.create({ name, description: 'again' }));
      expect(duplicate.code).toBe(409);

      const upserted = await svix.eventType.upsert(name, { description: 'Replaced', deprecated: true });
      expect(upserted).toMatchObject({ name, description: 'Replaced', deprecated: true });
      expect(upserted.groupName ?? null).toBeNull();
      expect(upserted.featureFlags ?? null).toBeNull();

      const fresh = `${uniq('upsert')}.new`;
      const upsertCreated = await svix.eventType.upsert(fresh, { description: 'Made by upsert' });
      expect(upsertCreated).toMatchObject({ name: fresh, description: 'Made by upsert' });
      expect((await svix.eventType.get(fresh)).description).toBe('Made by upsert');

      const patched = await svix.eventType.patch(name, { deprecated: false, groupName: 'grouped' });
      expect(patched).toMatchObject({
        name,
        description: 'Replaced',
        deprecated: false,
        groupName: 'grouped',
      });

      await svix.eventType.delete(name);
      expect((await svix.eventType.get(name)).archived).toBe(true);
      const live = await svix.eventType.list({ limit: 250 });
      expect(live.data.map((e) => e.name)).not.toContain(name);
      const withArchived = await svix.eventType.list({ limit: 250, includeArchived: true });
      expect(withArchived.data.find((e) => e.name === name)?.archived).toBe(true);

      // An endpoint cannot subscribe to an archived type.
      const app = await svix.application.create({ name: 'Archived subscriber' });
      const rejected = await apiError(
        svix.endpoint.create(app.id, { url: `${receiver.url}/x`, eventTypes: [name] }),
      );
      expect(rejected.code).toBe(422);

      // Creating it again brings it back.
      const revived = await svix.eventType.create({ name, description: 'Back again' });
      expect(revived.archived).toBe(false);
      expect(revived.description).toBe('Back again');
    });

    it('expunges an event type on delete with expunge', async () => {
      const name = `${uniq('gone')}.event`;
      await svix.eventType.create({ name, description: 'Short-lived' });
      await svix.eventType.delete(name, { expunge: true });
      const error = await apiError(svix.eventType.get(name));
      expect(error.code).toBe(404);
      expect(error.body.code).toBe('not_found');
    });
  });

  describe('endpoint', () => {
    it('creates an endpoint with every field and a custom secret, then gets and lists it', async () => {
      const app = await svix.application.create({ name: 'Endpoints' });
      const uid = uniq('ep');
      const secret = newSecret();
      const endpoint = await svix.endpoint.create(app.id, {
        url: `${receiver.url}/full`,
        description: 'All the fields',
        uid,
        eventTypes: ['payment.succeeded', 'refund.succeeded'],
        channels: ['merchant-1', 'eu'],
        metadata: { team: 'billing' },
        throttleRate: 20,
        secret,
      });
      expect(endpoint.id).toMatch(EP_ID);
      expect(endpoint).toMatchObject({
        url: `${receiver.url}/full`,
        description: 'All the fields',
        uid,
        eventTypes: ['payment.succeeded', 'refund.succeeded'],
        channels: ['merchant-1', 'eu'],
        metadata: { team: 'billing' },
        throttleRate: 20,
        disabled: false,
      });
      expectValidDate(endpoint.createdAt);

      expect((await svix.endpoint.getSecret(app.id, endpoint.id)).key).toBe(secret);
      expect(await svix.endpoint.get(app.id, endpoint.id)).toEqual(endpoint);
      expect(await svix.endpoint.get(app.id, uid)).toEqual(endpoint);
      expect(await svix.endpoint.get(app.uid ?? app.id, endpoint.id)).toEqual(endpoint);

      const other = await svix.endpoint.create(app.id, { url: `${receiver.url}/other` });
      const list = await svix.endpoint.list(app.id);
      expect(list.done).toBe(true);
      expect(list.data.map((e) => e.id).sort()).toEqual([endpoint.id, other.id].sort());
      expect(list.data.find((e) => e.id === endpoint.id)).toEqual(endpoint);
    });

    it('generates a whsec_ secret and accepts one without the prefix', async () => {
      const app = await svix.application.create({ name: 'Secrets' });
      const generated = await svix.endpoint.create(app.id, { url: `${receiver.url}/gen` });
      expect((await svix.endpoint.getSecret(app.id, generated.id)).key).toMatch(WHSEC);

      const bare = randomBytes(32).toString('base64');
      const custom = await svix.endpoint.create(app.id, { url: `${receiver.url}/bare`, secret: bare });
      expect((await svix.endpoint.getSecret(app.id, custom.id)).key).toBe(`whsec_${bare}`);
    });

    it('upsert replaces an endpoint, and creates one under a new uid', async () => {
      const app = await svix.application.create({ name: 'Upsert endpoints' });
      const endpoint = await svix.endpoint.create(app.id, {
        url: `${receiver.url}/before`,
        description: 'before',
        eventTypes: ['payment.succeeded'],
        channels: ['a'],
        metadata: { x: '1' },
      });
      const replaced = await svix.endpoint.upsert(app.id, endpoint.id, {
        url: `${receiver.url}/after`,
        metadata: { y: '2' },
      });
      expect(replaced.id).toBe(endpoint.id);
      expect(replaced.url).toBe(`${receiver.url}/after`);
      expect(replaced.description).toBe('');
      expect(replaced.eventTypes ?? null).toBeNull();
      expect(replaced.channels ?? null).toBeNull();
      expect(replaced.metadata).toEqual({ y: '2' });

      const uid = uniq('upserted-ep');
      const created = await svix.endpoint.upsert(app.id, uid, { url: `${receiver.url}/new` });
      expect(created.id).toMatch(EP_ID);
      expect(created.uid).toBe(uid);
      expect((await svix.endpoint.get(app.id, uid)).id).toBe(created.id);
    });

    it('patch changes only the given fields, and null unsets a filter', async () => {
      const app = await svix.application.create({ name: 'Patch endpoints' });
      const endpoint = await svix.endpoint.create(app.id, {
        url: `${receiver.url}/p`,
        description: 'keep me',
        eventTypes: ['payment.succeeded'],
        channels: ['c1'],
        metadata: { keep: 'yes' },
      });
      const patched = await svix.endpoint.patch(app.id, endpoint.id, { disabled: true, throttleRate: 3 });
      expect(patched).toMatchObject({
        id: endpoint.id,
        url: `${receiver.url}/p`,
        description: 'keep me',
        eventTypes: ['payment.succeeded'],
        channels: ['c1'],
        metadata: { keep: 'yes' },
        disabled: true,
        throttleRate: 3,
      });
      const unfiltered = await svix.endpoint.patch(app.id, endpoint.id, { eventTypes: null, channels: null });
      expect(unfiltered.eventTypes ?? null).toBeNull();
      expect(unfiltered.channels ?? null).toBeNull();
      expect(unfiltered.description).toBe('keep me');
      expect((await svix.endpoint.get(app.id, endpoint.id)).disabled).toBe(true);
    });

    it('deletes an endpoint', async () => {
      const app = await svix.application.create({ name: 'Delete endpoints' });
      const endpoint = await svix.endpoint.create(app.id, { url: `${receiver.url}/d` });
      await svix.endpoint.delete(app.id, endpoint.id);
      const error = await apiError(svix.endpoint.get(app.id, endpoint.id));
      expect(error.code).toBe(404);
      expect(error.body.code).toBe('not_found');
      expect((await svix.endpoint.list(app.id)).data).toEqual([]);
    });

    it('rotates the secret to a new generated key, or to the caller-supplied one', async () => {
      const app = await svix.application.create({ name: 'Rotation' });
      const endpoint = await svix.endpoint.create(app.id, { url: `${receiver.url}/rot` });
      const original = (await svix.endpoint.getSecret(app.id, endpoint.id)).key;

      await svix.endpoint.rotateSecret(app.id, endpoint.id);
      const rotated = (await svix.endpoint.getSecret(app.id, endpoint.id)).key;
      expect(rotated).toMatch(WHSEC);
      expect(rotated).not.toBe(original);

      const chosen = newSecret();
      await svix.endpoint.rotateSecret(app.id, endpoint.id, { key: chosen, gracePeriodSeconds: 0 });
      expect((await svix.endpoint.getSecret(app.id, endpoint.id)).key).toBe(chosen);

      const bad = await apiError(svix.endpoint.rotateSecret(app.id, endpoint.id, { key: 'too-short' }));
      expect(bad.code).toBe(422);
      expect((await svix.endpoint.getSecret(app.id, endpoint.id)).key).toBe(chosen);
    });

    it('keeps credential headers hidden: set, get and patch headers', async () => {
      const app = await svix.application.create({ name: 'Headers' });
      const endpoint = await svix.endpoint.create(app.id, {
        url: `${receiver.url}/h`,
        headers: { 'x-merchant': 'm-1', authorization: 'Bearer receiver-secret' },
      });
      const initial = await svix.endpoint.getHeaders(app.id, endpoint.id);
      expect(initial.headers).toEqual({ 'x-merchant': 'm-1' });
      expect(initial.sensitive).toEqual(['authorization']);
      expect(JSON.stringify(initial)).not.toContain('receiver-secret');

      await svix.endpoint.setHeaders(app.id, endpoint.id, {
        headers: { 'x-a': '1', 'x-api-key': 'k-secret' },
      });
      const replaced = await svix.endpoint.getHeaders(app.id, endpoint.id);
      expect(replaced.headers).toEqual({ 'x-a': '1' });
      expect(replaced.sensitive).toEqual(['x-api-key']);

      await svix.endpoint.patchHeaders(app.id, endpoint.id, {
        headers: { 'x-b': '2', 'x-auth-token': 't' },
        deleteHeaders: ['x-a'],
      });
      const patched = await svix.endpoint.getHeaders(app.id, endpoint.id);
      expect(patched.headers).toEqual({ 'x-b': '2' });
      expect([...patched.sensitive].sort()).toEqual(['x-api-key', 'x-auth-token']);
      expect(JSON.stringify(patched)).not.toContain('k-secret');

      const reserved = await apiError(
        svix.endpoint.setHeaders(app.id, endpoint.id, { headers: { 'svix-id': 'forged' } }),
      );
      expect(reserved.code).toBe(422);
      expect(Array.isArray(reserved.body.detail)).toBe(true);
    });

    it('gives zeroed stats for an endpoint that has received nothing', async () => {
      const app = await svix.application.create({ name: 'Stats' });
      const endpoint = await svix.endpoint.create(app.id, { url: `${receiver.url}/s` });
      expect(await svix.endpoint.getStats(app.id, endpoint.id)).toEqual({
        success: 0,
        pending: 0,
        sending: 0,
        fail: 0,
        canceled: 0,
      });
    });
  });

  describe('message and message attempt', () => {
    it('creates a message once for one idempotency key', async () => {
      const app = await svix.application.create({ name: 'Idempotent messages' });
      const idempotencyKey = `key-${randomUUID()}`;
      const first = await svix.message.create(
        app.id,
        { eventType: 'payment.succeeded', payload: paymentPayload(1) },
        { idempotencyKey },
      );
      const second = await svix.message.create(
        app.id,
        { eventType: 'payment.succeeded', payload: paymentPayload(1) },
        { idempotencyKey },
      );
      expect(first.id).toMatch(MSG_ID);
      expect(second.id).toBe(first.id);
      expect(second.timestamp.getTime()).toBe(first.timestamp.getTime());
      const list = await svix.message.list(app.id);
      expect(list.data.map((m) => m.id)).toEqual([first.id]);
    });

    it('does not duplicate anything when the SDK retries a POST whose response was lost', async () => {
      const keys: string[] = [];
      let lost = 0;
      // Lets each POST reach the server, then drops its first response as a broken connection would.
      const lossyFetch: typeof fetch = async (input, init) => {
        const response = await fetch(input, init);
        if (init?.method !== 'POST') return response;
        const key = (init.headers as Record<string, string>)['idempotency-key'] ?? '';
        keys.push(key);
        if (keys.filter((k) => k === key).length > 1) return response;
        await response.body?.cancel();
        lost++;
        throw new TypeError('fetch failed: connection reset');
      };
      const lossy = new Svix(TEST_OPERATOR_TOKEN, {
        serverUrl: server.url,
        fetch: lossyFetch,
        retryScheduleInMs: [10, 10],
      });

      const app = await lossy.application.create({ name: 'Lossy', uid: uniq('lossy') });
      const endpoint = await lossy.endpoint.create(app.id, { url: `${receiver.url}/lossy-${randomUUID()}` });
      const secret = (await svix.endpoint.getSecret(app.id, endpoint.id)).key;
      await lossy.endpoint.rotateSecret(app.id, endpoint.id);
      const rotated = (await svix.endpoint.getSecret(app.id, endpoint.id)).key;
      expect(rotated).not.toBe(secret);
      const message = await lossy.message.create(app.id, {
        eventType: 'payment.succeeded',
        eventId: uniq('lossy-evt'),
        payload: paymentPayload(9),
      });

      expect(lost).toBe(4);
      expect(keys).toHaveLength(8);
      expect(keys.every((k) => k.startsWith('auto_'))).toBe(true);
      expect(
        (await svix.application.list({ limit: 250 })).data.filter((a) => a.uid === app.uid),
      ).toHaveLength(1);
      expect((await svix.endpoint.list(app.id)).data.map((e) => e.id)).toEqual([endpoint.id]);
      expect((await svix.message.list(app.id)).data.map((m) => m.id)).toEqual([message.id]);
      // The retried rotation was replayed, not run a second time.
      expect((await svix.endpoint.getSecret(app.id, endpoint.id)).key).toBe(rotated);
    });

    it('answers 409 to a second message with the same eventId', async () => {
      const app = await svix.application.create({ name: 'Event ids' });
      const eventId = uniq('evt');
      const first = await svix.message.create(app.id, {
        eventType: 'payment.succeeded',
        eventId,
        payload: paymentPayload(2),
      });
      expect(first.eventId).toBe(eventId);
      const error = await apiError(
        svix.message.create(app.id, { eventType: 'payment.succeeded', eventId, payload: paymentPayload(2) }),
      );
      expect(error.code).toBe(409);
      expect(error.body.code).toBe('conflict');
      expect((await svix.message.list(app.id)).data).toHaveLength(1);
    });

    it('gets a message by id and by eventId, with or without its payload', async () => {
      const app = await svix.application.create({ name: 'Get messages' });
      const eventId = uniq('get');
      const created = await svix.message.create(app.id, {
        eventType: 'payment.succeeded',
        eventId,
        payload: paymentPayload(3),
        channels: ['merchant-1'],
        tags: ['t1'],
      });
      expect(created.payload).toEqual({});
      const byId = await svix.message.get(app.id, created.id, { withContent: true });
      expect(byId).toMatchObject({
        id: created.id,
        eventId,
        eventType: 'payment.succeeded',
        payload: paymentPayload(3),
        channels: ['merchant-1'],
        tags: ['t1'],
      });
      expectValidDate(byId.timestamp);
      const byEventId = await svix.message.get(app.id, eventId, { withContent: true });
      expect(byEventId).toEqual(byId);
      expect((await svix.message.get(app.id, eventId)).payload).toEqual({});

      const missing = await apiError(svix.message.get(app.id, 'no-such-event'));
      expect(missing.code).toBe(404);
      expect(missing.body.code).toBe('not_found');
    });

    it('lists messages newest first, filtered by event type', async () => {
      const app = await svix.application.create({ name: 'List messages' });
      const payment = await svix.message.create(app.id, {
        eventType: 'payment.succeeded',
        payload: paymentPayload(4),
      });
      const refund = await svix.message.create(app.id, { eventType: 'refund.succeeded', payload: { r: 1 } });
      const dispute = await svix.message.create(app.id, { eventType: 'dispute.opened', payload: { d: 1 } });

      const all = await svix.message.list(app.id);
      expect(all.data.map((m) => m.id)).toEqual([dispute.id, refund.id, payment.id]);
      expect(all.done).toBe(true);

      const refunds = await svix.message.list(app.id, { eventTypes: ['refund.succeeded'] });
      expect(refunds.data.map((m) => m.id)).toEqual([refund.id]);
      expect(refunds.data[0]!.eventType).toBe('refund.succeeded');

      const two = await svix.message.list(app.id, { eventTypes: ['payment.succeeded', 'dispute.opened'] });
      expect(two.data.map((m) => m.id)).toEqual([dispute.id, payment.id]);

      const withContent = await svix.message.list(app.id, {
        eventTypes: ['refund.succeeded'],
        withContent: true,
      });
      expect(withContent.data[0]!.payload).toEqual({ r: 1 });

      const firstPage = await svix.message.list(app.id, { limit: 2 });
      expect(firstPage.data.map((m) => m.id)).toEqual([dispute.id, refund.id]);
      expect(firstPage.done).toBe(false);
      const secondPage = await svix.message.list(app.id, { limit: 2, iterator: firstPage.iterator });
      expect(secondPage.data.map((m) => m.id)).toEqual([payment.id]);
      expect(secondPage.done).toBe(true);
    });

    it('fans a message out to the matching endpoints and reports the attempts', async () => {
      const app = await svix.application.create({ name: 'Fan out' });
      const path = `/fan-${randomUUID()}`;
      const paymentsOnly = await svix.endpoint.create(app.id, {
        url: `${receiver.url}${path}/payments`,
        eventTypes: ['payment.succeeded'],
      });
      const everything = await svix.endpoint.create(app.id, { url: `${receiver.url}${path}/all` });
      const refundsOnly = await svix.endpoint.create(app.id, {
        url: `${receiver.url}${path}/refunds`,
        eventTypes: ['refund.succeeded'],
      });
      const disabled = await svix.endpoint.create(app.id, {
        url: `${receiver.url}${path}/disabled`,
        disabled: true,
      });

      const message = await svix.message.create(app.id, {
        eventType: 'payment.succeeded',
        payload: paymentPayload(5),
      });

      const destinations = await svix.messageAttempt.listAttemptedDestinations(app.id, message.id);
      expect(destinations.data.map((d) => d.id).sort()).toEqual([paymentsOnly.id, everything.id].sort());
      const dest = destinations.data.find((d) => d.id === paymentsOnly.id)!;
      expect(dest.url).toBe(paymentsOnly.url);
      expect(dest.eventTypes).toEqual(['payment.succeeded']);
      expect([0, 1, 3]).toContain(dest.status);
      expect(['success', 'pending', 'sending']).toContain(dest.statusText);

      // Both matching endpoints receive it, the others do not.
      await expect
        .poll(
          () =>
            receiver.received
              .filter((r) => r.path.startsWith(path))
              .map((r) => r.path)
              .sort(),
          {
            timeout: 10_000,
          },
        )
        .toEqual([`${path}/all`, `${path}/payments`]);

      await expect
        .poll(async () => (await svix.messageAttempt.listByEndpoint(app.id, paymentsOnly.id)).data.length, {
          timeout: 10_000,
        })
        .toBe(1);
      const byEndpoint = await svix.messageAttempt.listByEndpoint(app.id, paymentsOnly.id, { withMsg: true });
      const attempt = byEndpoint.data[0]!;
      expect(attempt.id).toMatch(ATTEMPT_ID);
      expect(attempt).toMatchObject({
        msgId: message.id,
        endpointId: paymentsOnly.id,
        url: paymentsOnly.url,
        responseStatusCode: 200,
        status: 0,
        statusText: 'success',
        triggerType: 0,
      });
      expect(attempt.responseDurationMs).toBeGreaterThanOrEqual(0);
      expectValidDate(attempt.timestamp);
      expect(attempt.msg?.id).toBe(message.id);
      expect(byEndpoint.done).toBe(true);

      await expect
        .poll(async () => (await svix.messageAttempt.listByMsg(app.id, message.id)).data.length, {
          timeout: 10_000,
        })
        .toBe(2);
      const byMsg = await svix.messageAttempt.listByMsg(app.id, message.id, { withContent: true });
      expect(byMsg.data.map((a) => a.endpointId).sort()).toEqual([paymentsOnly.id, everything.id].sort());
      expect(byMsg.data.every((a) => a.msgId === message.id && a.status === 0)).toBe(true);
      expect(byMsg.data[0]!.response).toBe('ok');
      const oneEndpoint = await svix.messageAttempt.listByMsg(app.id, message.id, {
        endpointId: everything.id,
      });
      expect(oneEndpoint.data.map((a) => a.endpointId)).toEqual([everything.id]);

      const attempted = await svix.messageAttempt.listAttemptedMessages(app.id, paymentsOnly.id);
      expect(attempted.data).toHaveLength(1);
      expect(attempted.data[0]).toMatchObject({
        id: message.id,
        eventType: 'payment.succeeded',
        status: 0,
        statusText: 'success',
      });

      const got = await svix.messageAttempt.get(app.id, message.id, attempt.id);
      expect(got.id).toBe(attempt.id);
      expect(got.endpointId).toBe(paymentsOnly.id);

      // Well-formed empty lists for the endpoints the message did not go to.
      for (const endpoint of [refundsOnly, disabled]) {
        const empty = await svix.messageAttempt.listByEndpoint(app.id, endpoint.id);
        expect(empty.data).toEqual([]);
        expect(empty.done).toBe(true);
        const none = await svix.messageAttempt.listAttemptedMessages(app.id, endpoint.id);
        expect(none.data).toEqual([]);
        expect(none.done).toBe(true);
      }

      const stats = await svix.endpoint.getStats(app.id, paymentsOnly.id);
      expect(stats).toEqual({ success: 1, pending: 0, sending: 0, fail: 0, canceled: 0 });
      const refundStats = await svix.endpoint.getStats(app.id, refundsOnly.id);
      expect(refundStats.success).toBe(0);
    });

    it('filters attempts by status and event type, and messages by time window', async () => {
      const app = await svix.application.create({ name: 'Filters' });
      const path = `/filters-${randomUUID()}`;
      const endpoint = await svix.endpoint.create(app.id, { url: `${receiver.url}${path}` });
      const payment = await svix.message.create(app.id, {
        eventType: 'payment.succeeded',
        payload: paymentPayload(6),
      });
      const refund = await svix.message.create(app.id, { eventType: 'refund.succeeded', payload: { r: 2 } });
      await expect
        .poll(async () => (await svix.messageAttempt.listByEndpoint(app.id, endpoint.id)).data.length, {
          timeout: 10_000,
        })
        .toBe(2);

      const refunds = await svix.messageAttempt.listByEndpoint(app.id, endpoint.id, {
        eventTypes: ['refund.succeeded'],
      });
      expect(refunds.data.map((a) => a.msgId)).toEqual([refund.id]);
      const succeeded = await svix.messageAttempt.listByEndpoint(app.id, endpoint.id, { status: 0 });
      expect(succeeded.data.map((a) => a.msgId).sort()).toEqual([payment.id, refund.id].sort());
      const failed = await svix.messageAttempt.listByEndpoint(app.id, endpoint.id, { status: 2 });
      expect(failed.data).toEqual([]);
      const attempted = await svix.messageAttempt.listAttemptedMessages(app.id, endpoint.id, {
        eventTypes: ['payment.succeeded'],
      });
      expect(attempted.data.map((m) => m.id)).toEqual([payment.id]);

      const future = new Date(Date.now() + 3_600_000);
      expect((await svix.message.list(app.id, { after: future })).data).toEqual([]);
      const before = await svix.message.list(app.id, { before: future });
      expect(before.data.map((m) => m.id)).toEqual([refund.id, payment.id]);
    });

    it('creates the application named in a message when it does not exist yet', async () => {
      const uid = uniq('implicit');
      const message = await svix.message.create(uid, {
        eventType: 'payment.succeeded',
        payload: paymentPayload(7),
        application: { name: 'Made by a message', uid },
      });
      const app = await svix.application.get(uid);
      expect(app).toMatchObject({ uid, name: 'Made by a message' });
      expect((await svix.message.list(uid)).data.map((m) => m.id)).toEqual([message.id]);

      const missing = await apiError(
        svix.message.create(uniq('absent'), { eventType: 'payment.succeeded', payload: paymentPayload(8) }),
      );
      expect(missing.code).toBe(404);
      expect(missing.body.code).toBe('not_found');
    });

    it('lists no destinations and no attempts for a message no endpoint wants', async () => {
      const app = await svix.application.create({ name: 'Nobody listens' });
      const message = await svix.message.create(app.id, { eventType: 'payout.created', payload: { p: 1 } });
      const destinations = await svix.messageAttempt.listAttemptedDestinations(app.id, message.id);
      expect(destinations.data).toEqual([]);
      expect(destinations.done).toBe(true);
      const attempts = await svix.messageAttempt.listByMsg(app.id, message.id);
      expect(attempts.data).toEqual([]);
      expect(attempts.done).toBe(true);
    });
  });

  describe('app portal access', () => {
    it('issues a token that the SDK can use for that application only', async () => {
      const app = await svix.application.create({ name: 'Portal', uid: uniq('portal') });
      const endpoint: EndpointOut = await svix.endpoint.create(app.id, { url: `${receiver.url}/portal` });
      const other = await svix.application.create({ name: 'Someone else' });
      await svix.endpoint.create(other.id, { url: `${receiver.url}/elsewhere` });

      const access = await svix.authentication.appPortalAccess(app.id, {});
      expect(access.token).toBeTruthy();
      expect(access.token).not.toBe(TEST_OPERATOR_TOKEN);
      expect(() => new URL(access.url)).not.toThrow();

      const portal = new Svix(access.token, { serverUrl: server.url });
      expect((await portal.application.get(app.id)).id).toBe(app.id);
      expect((await portal.application.get(app.uid!)).id).toBe(app.id);
      const endpoints = await portal.endpoint.list(app.id);
      expect(endpoints.data.map((e) => e.id)).toEqual([endpoint.id]);
      expect((await portal.endpoint.get(app.id, endpoint.id)).url).toBe(endpoint.url);
      const listed = await portal.application.list();
      expect(listed.data.map((a) => a.id)).toEqual([app.id]);

      const foreign = await apiError(portal.application.get(other.id));
      expect(foreign.code).toBe(404);
      expect(foreign.body.code).toBe('not_found');
      const foreignEndpoints = await apiError(portal.endpoint.list(other.id));
      expect(foreignEndpoints.code).toBe(404);

      const forbidden = await apiError(portal.application.create({ name: 'Not allowed' }));
      expect(forbidden.code).toBe(403);
    });

    it('creates the application named in the request when it does not exist yet', async () => {
      const uid = uniq('portal-new');
      const access = await svix.authentication.appPortalAccess(uid, {
        application: { name: 'Portal made', uid },
      });
      const app = await svix.application.get(uid);
      expect(app.name).toBe('Portal made');
      const portal = new Svix(access.token, { serverUrl: server.url });
      expect((await portal.application.get(uid)).id).toBe(app.id);
    });

    it('answers 404 for app portal access to an unknown application', async () => {
      const error = await apiError(svix.authentication.appPortalAccess('app_does_not_exist_at_all_000', {}));
      expect(error.code).toBe(404);
      expect(error.body.code).toBe('not_found');
    });
  });

  describe('errors', () => {
    it('raises ApiException 404 with code not_found for an unknown application', async () => {
      const error = await apiError(svix.application.get('no-such-application'));
      expect(error.code).toBe(404);
      expect(error.body.code).toBe('not_found');
      expect(typeof error.body.detail).toBe('string');

      const endpoints = await apiError(svix.endpoint.list('no-such-application'));
      expect(endpoints.code).toBe(404);
      expect(endpoints.body.code).toBe('not_found');
    });

    it('raises ApiException 422 naming the invalid field', async () => {
      const app = await svix.application.create({ name: 'Validation' });
      const error = await apiError(svix.endpoint.create(app.id, { url: 'not a url' }));
      expect(error.code).toBe(422);
      expect(Array.isArray(error.body.detail)).toBe(true);
      const detail = error.body.detail as { loc: (string | number)[]; msg: string; type: string }[];
      expect(detail.map((d) => d.loc)).toContainEqual(['body', 'url']);
      expect(detail.every((d) => typeof d.msg === 'string' && typeof d.type === 'string')).toBe(true);
      expect((await svix.endpoint.list(app.id)).data).toEqual([]);

      const unknownType = await apiError(
        svix.endpoint.create(app.id, { url: `${receiver.url}/v`, eventTypes: ['no.such.type'] }),
      );
      expect(unknownType.code).toBe(422);
      expect((unknownType.body.detail as { loc: unknown[] }[]).map((d) => d.loc)).toContainEqual([
        'body',
        'eventTypes',
        0,
      ]);

      const emptyName = await apiError(svix.application.create({ name: '' }));
      expect(emptyName.code).toBe(422);
      expect((emptyName.body.detail as { loc: unknown[] }[]).map((d) => d.loc)).toContainEqual([
        'body',
        'name',
      ]);
    });

    it('answers health without failing', async () => {
      await expect(svix.health.get()).resolves.toBeUndefined();
    });

    it('raises ApiException 401 for a bad token', async () => {
      const stranger = new Svix('not-a-valid-token', { serverUrl: server.url });
      const error = await apiError(stranger.application.list());
      expect(error.code).toBe(401);
      expect(error.body.code).toBe('authentication_failed');
    });
  });
});
