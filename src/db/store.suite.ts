import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretBox } from '../secrets/index.ts';
import type { DatabaseHandle } from './database.ts';
import { rowsOf } from './database.ts';
import { claimStatement } from './delivery-queue.ts';
import { StoreError } from './errors.ts';
import { createStore, type Store } from './store.ts';

/**
 * The repository contract, run unchanged against every driver (as Drizzle runs one integration suite
 * per driver).
 */
export function describeStoreSuite(driverName: string, open: () => Promise<DatabaseHandle>) {
  describe(`store on ${driverName}`, () => {
    let handle: DatabaseHandle;
    let store: Store;

    beforeAll(async () => {
      handle = await open();
      store = createStore(handle, createSecretBox(randomBytes(32)));
    });
    afterAll(async () => {
      await handle.close();
    });

    const newApp = (name = 'Acme') => store.apps.create({ name });

    describe('apps', () => {
      it('creates an app and finds it by id and by uid', async () => {
        const app = await store.apps.create({ name: 'Shop', uid: 'shop-1', metadata: { tier: 'gold' } });
        expect(app.id).toMatch(/^app_[A-Za-z0-9]{27}$/);
        expect((await store.apps.find(app.id))?.name).toBe('Shop');
        expect((await store.apps.find('shop-1'))?.id).toBe(app.id);
        expect((await store.apps.find('shop-1'))?.metadata).toEqual({ tier: 'gold' });
      });

      it('rejects a second app with the same uid, and frees the uid when the app is deleted', async () => {
        const app = await store.apps.create({ name: 'A', uid: 'dup-uid' });
        await expect(store.apps.create({ name: 'B', uid: 'dup-uid' })).rejects.toMatchObject({
          code: 'conflict',
        });
        await store.apps.delete(app.id);
        expect(await store.apps.find(app.id)).toBeUndefined();
        expect((await store.apps.create({ name: 'C', uid: 'dup-uid' })).name).toBe('C');
      });

      it('pages through apps with iterator, prevIterator and done', async () => {
        const created = [];
        for (let i = 0; i < 5; i++)
          created.push(await store.apps.create({ name: `page-${i}`, uid: `page-app-${i}` }));
        const onlyThese = async (iterator?: string | null) => {
          const page = await store.apps.list({ limit: 100, iterator });
          return page.data.filter((a) => a.name.startsWith('page-')).map((a) => a.name);
        };
        expect(await onlyThese()).toEqual(['page-0', 'page-1', 'page-2', 'page-3', 'page-4']);
        const first = await store.apps.list({ limit: 2, iterator: created[0]!.id });
        expect(first.data.map((a) => a.name)).toEqual(['page-1', 'page-2']);
        expect(first.done).toBe(false);
        expect(first.iterator).toBe(created[2]!.id);
        expect(first.prevIterator).toBe(`-${created[1]!.id}`);
        const back = await store.apps.list({ limit: 2, iterator: first.prevIterator });
        expect(back.data.map((a) => a.id)).toContain(created[0]!.id);
        const last = await store.apps.list({ limit: 10, iterator: created[3]!.id });
        expect(last.done).toBe(true);
        const descending = await store.apps.list({ limit: 2, order: 'descending', iterator: created[4]!.id });
        expect(descending.data.map((a) => a.name)).toEqual(['page-3', 'page-2']);
      });

      it('updates an app and reports a missing one', async () => {
        const app = await newApp();
        const updated = await store.apps.update(app.id, { name: 'Renamed', throttleRate: 5 });
        expect(updated).toMatchObject({ name: 'Renamed', throttleRate: 5 });
        expect(updated.updatedAt.getTime()).toBeGreaterThanOrEqual(app.updatedAt.getTime());
        await expect(store.apps.update('app_missing', { name: 'x' })).rejects.toBeInstanceOf(StoreError);
      });
    });

    describe('event types', () => {
      it('creates, conflicts, archives and brings back an event type', async () => {
        const created = await store.eventTypes.create({ name: 'order.created', description: 'An order' });
        expect(created.archived).toBe(false);
        await expect(
          store.eventTypes.create({ name: 'order.created', description: 'again' }),
        ).rejects.toMatchObject({
          code: 'conflict',
        });
        expect(await store.eventTypes.delete('order.created', false)).toBe(true);
        expect((await store.eventTypes.find('order.created'))?.archived).toBe(true);
        const live = await store.eventTypes.list({ limit: 250 });
        expect(live.data.map((e) => e.name)).not.toContain('order.created');
        const all = await store.eventTypes.list({ limit: 250, includeArchived: true });
        expect(all.data.map((e) => e.name)).toContain('order.created');
        const revived = await store.eventTypes.create({ name: 'order.created', description: 'Back' });
        expect(revived).toMatchObject({ archived: false, description: 'Back' });
      });

      it('upserts and tells whether it created', async () => {
        expect((await store.eventTypes.upsert({ name: 'order.shipped', description: 'x' })).created).toBe(
          true,
        );
        const second = await store.eventTypes.upsert({
          name: 'order.shipped',
          description: 'y',
          groupName: 'order',
        });
        expect(second.created).toBe(false);
        expect(second.eventType).toMatchObject({ description: 'y', groupName: 'order' });
      });

      it('loads the catalog once per version and keeps the operator’s edits', async () => {
        const catalog = [
          { name: 'cat.one', description: 'one', groupName: 'cat', schemas: { '1': { type: 'object' } } },
          { name: 'cat.two', description: 'two', groupName: 'cat' },
        ];
        expect(await store.eventTypes.loadCatalog('v1', catalog)).toBe(2);
        await store.eventTypes.update('cat.one', { description: 'edited' });
        expect(await store.eventTypes.loadCatalog('v1', catalog)).toBe(0);
        expect(
          await store.eventTypes.loadCatalog('v2', [...catalog, { name: 'cat.three', description: '3' }]),
        ).toBe(1);
        expect((await store.eventTypes.find('cat.one'))?.description).toBe('edited');
        expect((await store.eventTypes.find('cat.one'))?.schemas).toEqual({ '1': { type: 'object' } });
      });
    });

    describe('endpoints', () => {
      it('keeps the signing secret and headers encrypted at rest', async () => {
        const app = await newApp();
        const endpoint = await store.endpoints.create(app.id, {
          url: 'https://example.com/hook',
          headers: { authorization: 'Bearer very-secret-value' },
        });
        const secret = store.endpoints.revealSecret(endpoint);
        expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]{32}$/);
        const [raw] = rowsOf<{ secret: string; headers: string }>(
          await handle.db.execute(sql`select secret, headers from endpoints where id = ${endpoint.id}`),
        );
        expect(raw!.secret).not.toContain(secret.slice(6));
        expect(raw!.headers).not.toContain('very-secret-value');
        expect(store.endpoints.revealHeaders(endpoint)).toEqual({
          authorization: 'Bearer very-secret-value',
        });
      });

      it('rotates the secret, keeps the old one signing during the grace period, and bounds old keys', async () => {
        const app = await newApp();
        let endpoint = await store.endpoints.create(app.id, { url: 'https://example.com/a' });
        const first = store.endpoints.revealSecret(endpoint);
        await store.endpoints.rotateSecret(app.id, endpoint, undefined, 86_400);
        endpoint = (await store.endpoints.find(app.id, endpoint.id))!;
        const [current, previous] = store.endpoints.signingSecrets(endpoint);
        expect(current).not.toBe(first);
        expect(previous).toBe(first);
        expect(store.endpoints.signingSecrets(endpoint, new Date(Date.now() + 86_401_000))).toEqual([
          current,
        ]);
        for (let i = 0; i < 9; i++) {
          await store.endpoints.rotateSecret(app.id, endpoint, undefined, 60);
          endpoint = (await store.endpoints.find(app.id, endpoint.id))!;
        }
        await expect(store.endpoints.rotateSecret(app.id, endpoint, undefined, 60)).rejects.toMatchObject({
          code: 'limit_reached',
        });
      });

      it('finds by uid within its app only, and hides deleted endpoints', async () => {
        const app = await newApp();
        const other = await newApp();
        const endpoint = await store.endpoints.create(app.id, {
          url: 'https://example.com/b',
          uid: 'ep-uid',
        });
        expect((await store.endpoints.find(app.id, 'ep-uid'))?.id).toBe(endpoint.id);
        expect(await store.endpoints.find(other.id, 'ep-uid')).toBeUndefined();
        expect(await store.endpoints.find(other.id, endpoint.id)).toBeUndefined();
        await expect(
          store.endpoints.create(app.id, { url: 'https://example.com/c', uid: 'ep-uid' }),
        ).rejects.toMatchObject({ code: 'conflict' });
        await store.endpoints.delete(app.id, endpoint.id);
        expect(await store.endpoints.find(app.id, endpoint.id)).toBeUndefined();
      });
    });

    describe('messages and fan-out', () => {
      it('creates one delivery per matching enabled endpoint, in the same transaction', async () => {
        const app = await newApp();
        const all = await store.endpoints.create(app.id, { url: 'https://example.com/all' });
        const payments = await store.endpoints.create(app.id, {
          url: 'https://example.com/payments',
          eventTypes: ['payment.succeeded'],
        });
        await store.endpoints.create(app.id, {
          url: 'https://example.com/refunds',
          eventTypes: ['refund.succeeded'],
        });
        await store.endpoints.create(app.id, { url: 'https://example.com/off', disabled: true });
        const deleted = await store.endpoints.create(app.id, { url: 'https://example.com/gone' });
        await store.endpoints.delete(app.id, deleted.id);
        const eu = await store.endpoints.create(app.id, { url: 'https://example.com/eu', channels: ['eu'] });
        const otherApp = await newApp();
        await store.endpoints.create(otherApp.id, { url: 'https://example.com/other' });

        const plain = await store.messages.create(app.id, {
          eventType: 'payment.succeeded',
          payload: { type: 'payment.succeeded' },
          retentionHours: 1,
        });
        expect(plain.deliveries).toBe(2);
        const targets = (await store.deliveries.listForMessage(plain.message.id))
          .map((d) => d.endpointId)
          .sort();
        expect(targets).toEqual([all.id, payments.id].sort());

        const inEu = await store.messages.create(app.id, {
          eventType: 'payment.succeeded',
          payload: {},
          channels: ['eu', 'us'],
          retentionHours: 1,
        });
        const euTargets = (await store.deliveries.listForMessage(inEu.message.id))
          .map((d) => d.endpointId)
          .sort();
        expect(euTargets).toEqual([all.id, payments.id, eu.id].sort());
        const delivery = (await store.deliveries.listForMessage(inEu.message.id))[0]!;
        expect(delivery).toMatchObject({ status: 1, attemptCount: 0 });
        expect(delivery.nextAttemptAt?.getTime()).toBe(inEu.message.createdAt.getTime());
      });

      it('does not give an endpoint created later the earlier messages', async () => {
        const app = await newApp();
        const { message } = await store.messages.create(app.id, {
          eventType: 'x.y',
          payload: {},
          retentionHours: 1,
        });
        await store.endpoints.create(app.id, { url: 'https://example.com/late' });
        expect(await store.deliveries.listForMessage(message.id)).toEqual([]);
      });

      it('rejects a duplicate eventId and stores nothing for it', async () => {
        const app = await newApp();
        await store.endpoints.create(app.id, { url: 'https://example.com/d' });
        const first = await store.messages.create(app.id, {
          eventType: 'a.b',
          payload: { n: 1 },
          eventId: 'evt-1',
          retentionHours: 1,
        });
        await expect(
          store.messages.create(app.id, {
            eventType: 'a.b',
            payload: { n: 2 },
            eventId: 'evt-1',
            retentionHours: 1,
          }),
        ).rejects.toMatchObject({ code: 'conflict' });
        expect((await store.messages.find(app.id, 'evt-1'))?.id).toBe(first.message.id);
        const page = await store.messages.list(app.id, { limit: 10, order: 'descending' });
        expect(page.data).toHaveLength(1);
      });

      it('uses a constant number of statements however many endpoints match', async () => {
        const countFor = async (endpointCount: number) => {
          const app = await newApp();
          for (let i = 0; i < endpointCount; i++)
            await store.endpoints.create(app.id, { url: `https://example.com/${i}` });
          const before = handle.statements.count;
          const { deliveries } = await store.messages.create(app.id, {
            eventType: 'a.b',
            payload: {},
            retentionHours: 1,
          });
          expect(deliveries).toBe(endpointCount);
          return handle.statements.count - before;
        };
        const one = await countFor(1);
        const fifty = await countFor(50);
        expect(fifty).toBe(one);
        // One statement inserts the message and its deliveries, and notifies the workers.
        expect(one).toBe(1);
      });

      it('stores messages created at the same time in one statement, each with its own outcome', async () => {
        const app = await newApp();
        const other = await newApp();
        for (let i = 0; i < 3; i++) await store.endpoints.create(app.id, { url: `https://example.com/${i}` });
        await store.endpoints.create(app.id, { url: 'https://example.com/eu', channels: ['eu'] });
        await store.endpoints.create(other.id, { url: 'https://example.com/other' });
        await store.messages.create(app.id, {
          eventType: 'a.b',
          payload: {},
          eventId: 'taken',
          retentionHours: 1,
        });
        const before = handle.statements.count;
        const results = await Promise.allSettled([
          ...Array.from({ length: 20 }, (_, n) =>
            store.messages.create(app.id, { eventType: 'a.b', payload: { n }, retentionHours: 1 }),
          ),
          store.messages.create(app.id, {
            eventType: 'a.b',
            payload: {},
            channels: ['eu'],
            retentionHours: 1,
          }),
          store.messages.create(other.id, { eventType: 'a.b', payload: {}, retentionHours: 1 }),
          store.messages.create(app.id, {
            eventType: 'a.b',
            payload: {},
            eventId: 'taken',
            retentionHours: 1,
          }),
          store.messages.create(app.id, {
            eventType: 'a.b',
            payload: {},
            eventId: 'twice',
            retentionHours: 1,
          }),
          store.messages.create(app.id, {
            eventType: 'a.b',
            payload: {},
            eventId: 'twice',
            retentionHours: 1,
          }),
        ]);
        expect(handle.statements.count - before).toBe(1);
        const made = results.map((r) => (r.status === 'fulfilled' ? r.value.deliveries : 'conflict'));
        expect(made.slice(0, 20)).toEqual(Array(20).fill(3));
        expect(made.slice(20)).toEqual([4, 1, 'conflict', 3, 'conflict']);
        for (const [n, result] of results.slice(0, 20).entries()) {
          if (result.status !== 'fulfilled') throw new Error('unreachable');
          expect(await store.messages.find(app.id, result.value.message.id)).toMatchObject({
            payload: { n },
          });
          expect(await store.deliveries.listForMessage(result.value.message.id)).toHaveLength(3);
        }
      });

      it('gives a batch the database refuses back message by message: only the bad one fails', async () => {
        const app = await newApp();
        await store.endpoints.create(app.id, { url: 'https://example.com/ok' });
        const results = await Promise.allSettled([
          store.messages.create(app.id, { eventType: 'a.b', payload: { n: 1 }, retentionHours: 1 }),
          store.messages.create('app_doesnotexist0000000000000', {
            eventType: 'a.b',
            payload: {},
            retentionHours: 1,
          }),
          store.messages.create(app.id, { eventType: 'a.b', payload: { n: 2 }, retentionHours: 1 }),
        ]);
        expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
        const page = await store.messages.list(app.id, { limit: 10, order: 'descending' });
        expect(page.data.map((m) => m.payload)).toEqual([{ n: 2 }, { n: 1 }]);
      });

      it('lists messages newest first, filtered by event type, channel and time', async () => {
        const app = await newApp();
        const make = (eventType: string, channels?: string[]) =>
          store.messages.create(app.id, { eventType, payload: {}, channels, retentionHours: 1 });
        const a = await make('payment.succeeded');
        const b = await make('refund.succeeded', ['eu']);
        const c = await make('payment.failed');
        const all = await store.messages.list(app.id, { limit: 10, order: 'descending' });
        expect(all.data.map((m) => m.id)).toEqual([c.message.id, b.message.id, a.message.id]);
        const payments = await store.messages.list(app.id, {
          limit: 10,
          order: 'descending',
          eventTypes: ['payment.succeeded', 'payment.failed'],
        });
        expect(payments.data.map((m) => m.id)).toEqual([c.message.id, a.message.id]);
        const eu = await store.messages.list(app.id, { limit: 10, order: 'descending', channel: 'eu' });
        expect(eu.data.map((m) => m.id)).toEqual([b.message.id]);
        const future = await store.messages.list(app.id, { limit: 10, after: new Date(Date.now() + 60_000) });
        expect(future.data).toEqual([]);
      });

      it('completes an idempotency reservation in the message transaction', async () => {
        const app = await newApp();
        const key = `key-${randomBytes(4).toString('hex')}`;
        expect(await store.idempotency.reserve(key)).toEqual({ state: 'reserved' });
        const { message } = await store.messages.create(
          app.id,
          { eventType: 'a.b', payload: {}, retentionHours: 1 },
          { keyHash: key, status: 202, body: (m) => ({ id: m.id }) },
        );
        expect(await store.idempotency.reserve(key)).toEqual({
          state: 'completed',
          status: 202,
          body: JSON.stringify({ id: message.id }),
        });
      });
    });

    describe('app lookups', () => {
      it('finds the apps looked up together in one query, by id or uid, and not deleted ones', async () => {
        const a = await store.apps.create({ name: 'A', uid: 'lookup-a' });
        const b = await store.apps.create({ name: 'B' });
        const gone = await store.apps.create({ name: 'Gone' });
        await store.apps.delete(gone.id);
        const before = handle.statements.count;
        const found = await Promise.all(
          ['lookup-a', b.id, a.id, gone.id, 'nobody'].map((ref) => store.apps.find(ref)),
        );
        expect(handle.statements.count - before).toBe(1);
        expect(found.map((app) => app?.id)).toEqual([a.id, b.id, a.id, undefined, undefined]);
      });
    });

    describe('idempotency keys', () => {
      it('reserves once, reports in-flight duplicates, and frees the key on release', async () => {
        expect(await store.idempotency.reserve('k1')).toEqual({ state: 'reserved' });
        expect(await store.idempotency.reserve('k1')).toEqual({ state: 'in_flight' });
        await store.idempotency.release('k1');
        expect(await store.idempotency.reserve('k1')).toEqual({ state: 'reserved' });
        await store.idempotency.complete('k1', 201, '{"ok":true}');
        expect(await store.idempotency.reserve('k1')).toEqual({
          state: 'completed',
          status: 201,
          body: '{"ok":true}',
        });
        await store.idempotency.release('k1');
        expect((await store.idempotency.reserve('k1')).state).toBe('completed');
      });

      it('takes over a stale lock left by a crashed request', async () => {
        expect(await store.idempotency.reserve('k2')).toEqual({ state: 'reserved' });
        await handle.db.execute(
          sql`update idempotency_keys set locked_until = now() - interval '1 second' where key_hash = 'k2'`,
        );
        expect(await store.idempotency.reserve('k2')).toEqual({ state: 'reserved' });
      });

      it('reserves the keys of requests arriving together in one statement, each with its own answer', async () => {
        expect(await store.idempotency.reserve('held')).toEqual({ state: 'reserved' });
        expect(await store.idempotency.reserve('done')).toEqual({ state: 'reserved' });
        await store.idempotency.complete('done', 202, '{"id":"msg_1"}');
        const before = handle.statements.count;
        const answers = await Promise.all(
          ['b1', 'b2', 'b3', 'held', 'done', 'dup', 'dup'].map((key) => store.idempotency.reserve(key)),
        );
        // One insert for the free keys, one read of the others.
        expect(handle.statements.count - before).toBe(2);
        expect(answers).toEqual([
          { state: 'reserved' },
          { state: 'reserved' },
          { state: 'reserved' },
          { state: 'in_flight' },
          { state: 'completed', status: 202, body: '{"id":"msg_1"}' },
          { state: 'reserved' },
          { state: 'in_flight' },
        ]);
      });
    });

    describe('delivery queue', () => {
      /** `count` messages, each with a delivery due to every endpoint given, written straight into the tables. */
      const insertDueBacklog = async (
        appId: string,
        endpointIds: string[],
        count: number,
        idPrefix: string,
      ) => {
        await handle.db.execute(sql`
          insert into messages (id, app_id, event_type, payload, payload_expires_at)
          select ${idPrefix}::text || n, ${appId}, 'a.b', '{}'::json, now() + interval '1 hour'
          from generate_series(1, ${count}::int) n`);
        await handle.db.execute(sql`
          insert into deliveries (app_id, message_id, endpoint_id, next_attempt_at)
          select ${appId}, ${idPrefix}::text || n, e.id, now() - interval '1 minute'
          from generate_series(1, ${count}::int) n,
               jsonb_array_elements_text(${JSON.stringify(endpointIds)}::jsonb) e(id)`);
      };

      it('claims from a backlog the statistics have not seen through the ordered due index (regression: a bitmap scan of every due row)', async () => {
        const app = await newApp();
        const endpoint = await store.endpoints.create(app.id, { url: 'https://example.com/backlog' });
        await handle.db.execute(sql`analyze deliveries`);
        await insertDueBacklog(app.id, [endpoint.id], 3000, 'msg_backlog_');
        const plan = JSON.stringify(
          rowsOf(
            await handle.db.execute(sql`
              explain (format json) select id from deliveries
              where status in (1, 3) and next_attempt_at <= now()
              order by next_attempt_at limit 256 for update skip locked`),
          ),
        );
        expect(plan).toContain('deliveries_due_idx');
        expect(plan).not.toContain('Bitmap');
        const claimed = await store.deliveryQueue.claimDue({
          limit: 3000,
          leaseMs: 60_000,
          perEndpoint: 3000,
        });
        expect(claimed.filter((d) => d.endpointId === endpoint.id).length).toBeGreaterThan(0);
      });

      it('locks among the ranked candidates only (regression: a hash join of the candidates against every due row)', async () => {
        const app = await newApp();
        const endpoints = await Promise.all(
          Array.from({ length: 10 }, (_, n) =>
            store.endpoints.create(app.id, { url: `https://example.com/wide/${n}` }),
          ),
        );
        await insertDueBacklog(
          app.id,
          endpoints.map((e) => e.id),
          2000,
          'msg_wide_',
        );
        await handle.db.execute(sql`analyze deliveries`);
        const options = { limit: 64, leaseMs: 60_000, perEndpoint: 20_000 };
        const explained = rowsOf<{ 'QUERY PLAN': unknown }>(
          await handle.db.execute(sql`explain (analyze, format json) ${claimStatement(options)}`),
        )[0]!['QUERY PLAN'];
        const plan = (typeof explained === 'string' ? JSON.parse(explained) : explained) as [
          { Plan: PlanNode },
        ];
        interface PlanNode {
          'Relation Name'?: string;
          'Actual Rows': number;
          'Actual Loops': number;
          Plans?: PlanNode[];
        }
        const readFromDeliveries: number[] = [];
        const walk = (node: PlanNode) => {
          if (node['Relation Name'] === 'deliveries')
            readFromDeliveries.push(node['Actual Rows'] * node['Actual Loops']);
          for (const child of node.Plans ?? []) walk(child);
        };
        walk(plan[0].Plan);
        // The rest would crowd the claims of the tests that follow.
        await handle.db.execute(
          sql`update deliveries set status = 0, next_attempt_at = null where app_id = ${app.id}`,
        );
        expect(readFromDeliveries.length).toBeGreaterThan(0);
        // The candidates (256 at most for a limit of 64) are all the claim may read of 20,000 due rows.
        expect(Math.max(...readFromDeliveries)).toBeLessThanOrEqual(256);
      });

      const queueFor = async () => {
        const app = await newApp();
        const endpoint = await store.endpoints.create(app.id, { url: 'https://example.com/q' });
        const { message } = await store.messages.create(app.id, {
          eventType: 'a.b',
          payload: { n: 1 },
          retentionHours: 1,
        });
        return { app, endpoint, message };
      };
      const claimAll = () =>
        store.deliveryQueue.claimDue({ limit: 1000, leaseMs: 60_000, perEndpoint: 1000 });
      const failure = (claimed: Awaited<ReturnType<typeof claimAll>>[number], at = new Date()) => ({
        deliveryId: claimed.id,
        appId: claimed.appId,
        messageId: claimed.messageId,
        endpointId: claimed.endpointId,
        status: 1 as const,
        attemptCount: claimed.attemptCount,
        nextAttemptAt: new Date(Date.now() + 60_000),
        attempt: {
          id: `atmpt_${randomBytes(8).toString('hex')}`,
          url: 'https://example.com/q',
          status: 2 as const,
          statusCode: 500,
          response: 'no',
          durationMs: 3,
          errorClass: null,
          triggerType: 0 as const,
          at,
          countsForHealth: true,
        },
      });
      const autoDisable = { afterMs: 5 * 86_400_000, minFailureSpanMs: 12 * 3_600_000 };

      it('claims a due delivery once, with its secrets opened, and reclaims it when the lease lapses', async () => {
        const { endpoint, message } = await queueFor();
        const claimed = (await claimAll()).filter((d) => d.messageId === message.id);
        expect(claimed).toHaveLength(1);
        expect(claimed[0]).toMatchObject({
          endpointId: endpoint.id,
          attemptCount: 1,
          payloadJson: '{"n":1}',
          stopped: false,
        });
        expect(claimed[0]!.signingSecrets).toEqual([store.endpoints.revealSecret(endpoint)]);
        expect((await claimAll()).filter((d) => d.messageId === message.id)).toHaveLength(0);
        await handle.db.execute(
          sql`update deliveries set next_attempt_at = now() - interval '1 second' where message_id = ${message.id}`,
        );
        const again = (await claimAll()).filter((d) => d.messageId === message.id);
        expect(again).toHaveLength(1);
        expect(again[0]!.attemptCount).toBe(2);
      });

      it("hands a message's payload to each of its deliveries as the text it was posted in, read once", async () => {
        const app = await newApp();
        const plain = await Promise.all(
          [1, 2].map((n) => store.endpoints.create(app.id, { url: `https://example.com/plain/${n}` })),
        );
        const transformed = await store.endpoints.create(app.id, {
          url: 'https://example.com/transformed',
          transformation: { code: 'function handler(webhook) { return webhook; }', enabled: true },
        });
        const { message } = await store.messages.create(app.id, {
          eventType: 'a.b',
          // jsonb would have put "list" first and printed spaces.
          payload: { name: 'é', list: [1, 2] },
          retentionHours: 1,
        });
        const raw = rowsOf<{ message_id: string; payload_json: string | null }>(
          await handle.db.execute(claimStatement({ limit: 1000, leaseMs: 60_000, perEndpoint: 1000 })),
        ).filter((row) => row.message_id === message.id);
        expect(raw).toHaveLength(3);
        expect(raw.filter((row) => row.payload_json !== null)).toHaveLength(1);
        await handle.db.execute(
          sql`update deliveries set status = 1, next_attempt_at = now() - interval '1 second' where message_id = ${message.id}`,
        );
        const claimed = (await claimAll()).filter((d) => d.messageId === message.id);
        const byEndpoint = new Map(claimed.map((d) => [d.endpointId, d.payloadJson]));
        for (const endpoint of [transformed, ...plain]) {
          expect(byEndpoint.get(endpoint.id)).toBe('{"name":"é","list":[1,2]}');
        }
        expect((await store.messages.find(app.id, message.id))?.payload).toEqual({ name: 'é', list: [1, 2] });
      });

      it('starts the failure clock, clears it on success, and reports endpoints failing long enough', async () => {
        const { endpoint, message } = await queueFor();
        const [claimed] = (await claimAll()).filter((d) => d.messageId === message.id);
        expect(await store.deliveryQueue.recordOutcomes([failure(claimed!)], autoDisable)).toEqual([]);
        const started = (await store.endpoints.find(endpoint.appId, endpoint.id))!;
        expect(started.failingSince).not.toBeNull();
        expect(
          (await store.deliveries.listAttemptsByEndpoint(endpoint.appId, endpoint.id, { limit: 10 })).data,
        ).toHaveLength(1);

        await handle.db.execute(
          sql`update endpoints set failing_since = now() - interval '6 days', last_failure_at = now() - interval '2 days' where id = ${endpoint.id}`,
        );
        await handle.db.execute(
          sql`update deliveries set next_attempt_at = now() - interval '1 second' where message_id = ${message.id}`,
        );
        const [second] = (await claimAll()).filter((d) => d.messageId === message.id);
        expect(await store.deliveryQueue.recordOutcomes([failure(second!)], autoDisable)).toEqual([
          endpoint.id,
        ]);
        expect(await store.endpoints.disable([endpoint.id])).toEqual([
          { id: endpoint.id, appId: endpoint.appId },
        ]);
        expect(await store.endpoints.disable([endpoint.id])).toEqual([]);
      });

      it('does not report an endpoint whose failures span less than the minimum', async () => {
        const { endpoint, message } = await queueFor();
        await handle.db.execute(
          sql`update endpoints set failing_since = now() - interval '6 days', last_failure_at = now() - interval '6 days' where id = ${endpoint.id}`,
        );
        const [claimed] = (await claimAll()).filter((d) => d.messageId === message.id);
        const oneSpanOnly = { ...autoDisable, minFailureSpanMs: 7 * 86_400_000 };
        expect(await store.deliveryQueue.recordOutcomes([failure(claimed!)], oneSpanOnly)).toEqual([]);
      });

      it('grants throttle slots across callers no faster than the rate', async () => {
        const { endpoint } = await queueFor();
        const request = [{ endpointId: endpoint.id, wanted: 50, rate: 10 }];
        const first = (await store.deliveryQueue.reserveThrottle(request, 1000)).get(endpoint.id)!;
        const second = (await store.deliveryQueue.reserveThrottle(request, 1000)).get(endpoint.id)!;
        expect(first.granted).toBeGreaterThanOrEqual(9);
        expect(first.granted + second.granted).toBeLessThanOrEqual(11);
        expect(second.nextFreeAt.getTime()).toBeGreaterThanOrEqual(first.nextFreeAt.getTime());
      });

      it('purges expired payloads and old response bodies in batches', async () => {
        const { message } = await queueFor();
        await handle.db.execute(
          sql`update messages set payload_expires_at = now() - interval '1 second' where id = ${message.id}`,
        );
        let purged = 0;
        for (
          let n = await store.retention.purgeExpiredPayloads();
          n > 0;
          n = await store.retention.purgeExpiredPayloads()
        ) {
          purged += n;
        }
        expect(purged).toBeGreaterThanOrEqual(1);
        expect((await store.messages.find(message.appId, message.id))?.payload).toBeNull();
      });
    });

    describe('tokens', () => {
      it('issues app tokens without dots, finds them while valid, and expires them', async () => {
        const app = await newApp();
        const { token } = await store.tokens.issueAppToken(app.id, {
          expiresInSeconds: 3600,
          sessionId: 's1',
        });
        expect(token).not.toContain('.');
        expect((await store.tokens.findValid(token))?.appId).toBe(app.id);
        const [raw] = rowsOf<{ token_hash: string }>(
          await handle.db.execute(sql`select token_hash from api_tokens where app_id = ${app.id}`),
        );
        expect(raw!.token_hash).not.toBe(token);
        await store.tokens.expireAppTokens(app.id, 0, ['other-session']);
        expect(await store.tokens.findValid(token)).toBeDefined();
        await store.tokens.expireAppTokens(app.id, 0);
        expect(await store.tokens.findValid(token, new Date(Date.now() + 1))).toBeUndefined();
      });
    });
  });
}
