import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSecretBox } from '../secrets/index.ts';
import type { DatabaseHandle } from './database.ts';
import { ALERT_KINDS } from './schema.ts';
import { createStore, type Store } from './store.ts';
import { testDrivers } from './testing.ts';

describe.each(testDrivers())('alert settings and sends on $name', (driver) => {
  let handle: DatabaseHandle;
  let store: Store;
  let appId: string;
  const repo = () => store.alerts;

  beforeAll(async () => {
    handle = await driver.open();
    store = createStore(handle, createSecretBox(randomBytes(32)));
    appId = (await store.apps.create({ name: 'Alerts' })).id;
  });
  afterAll(async () => {
    await handle.close();
  });

  it('gives an app without settings no addresses and every kind, and keeps what is saved', async () => {
    expect(await repo().settings(appId)).toEqual({ emails: [], kinds: [...ALERT_KINDS] });
    const saved = await repo().saveSettings(appId, {
      emails: ['ops@acme.example', 'dev@acme.example'],
      kinds: ['endpoint.disabled'],
    });
    expect(saved).toEqual({ emails: ['ops@acme.example', 'dev@acme.example'], kinds: ['endpoint.disabled'] });
    await repo().saveSettings(appId, { emails: ['only@acme.example'], kinds: [...ALERT_KINDS] });
    expect(await repo().settings(appId)).toEqual({ emails: ['only@acme.example'], kinds: [...ALERT_KINDS] });
  });

  it('lets one claim in per endpoint and kind within the interval, even when claims race', async () => {
    const claims = await Promise.all(
      Array.from({ length: 8 }, () => repo().claimSend('ep_race', 'endpoint.failing', 60_000)),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
    // Another kind, or another endpoint, has a clock of its own.
    expect(await repo().claimSend('ep_race', 'endpoint.disabled', 60_000)).toBeInstanceOf(Date);
    expect(await repo().claimSend('ep_other', 'endpoint.failing', 60_000)).toBeInstanceOf(Date);
  });

  it('lets a claim in again once the interval has passed, or once the last one was given back', async () => {
    expect(await repo().claimSend('ep_clock', 'message.attempt.exhausted', 200)).toBeInstanceOf(Date);
    expect(await repo().claimSend('ep_clock', 'message.attempt.exhausted', 200)).toBeUndefined();
    await sleep(250);
    const again = await repo().claimSend('ep_clock', 'message.attempt.exhausted', 200);
    expect(again).toBeInstanceOf(Date);

    await repo().releaseSend('ep_clock', 'message.attempt.exhausted', again!);
    expect(await repo().claimSend('ep_clock', 'message.attempt.exhausted', 60_000)).toBeInstanceOf(Date);
  });

  it('summarises an attempt by id and the latest attempt of an endpoint, without the payload', async () => {
    const endpoint = await store.endpoints.create(appId, { url: 'https://example.com/hook' });
    expect(await repo().latestAttempt(appId, endpoint.id)).toBeUndefined();
    const attempt = async (id: string, statusCode: number, response: string, errorClass: string | null) => {
      await store.messages.create(appId, {
        eventType: 'a.b',
        payload: { secret: 'payload' },
        retentionHours: 1,
      });
      const [claimed] = await store.deliveryQueue.claimDue({ limit: 10, leaseMs: 60_000, perEndpoint: 10 });
      const at = new Date();
      await store.deliveryQueue.recordOutcomes(
        [
          {
            deliveryId: claimed!.id,
            appId,
            messageId: claimed!.messageId,
            endpointId: endpoint.id,
            status: 1,
            attemptCount: claimed!.attemptCount,
            nextAttemptAt: new Date(Date.now() + 60_000),
            attempt: {
              id,
              url: endpoint.url,
              status: 2,
              statusCode,
              response,
              durationMs: 3,
              errorClass,
              triggerType: 0,
              at,
              countsForHealth: true,
            },
          },
        ],
        { afterMs: 86_400_000, minFailureSpanMs: 3_600_000 },
      );
      return at;
    };
    await attempt('atmpt_1first', 503, 'busy', null);
    const at = await attempt('atmpt_2second', 0, `connect ECONNREFUSED ${'x'.repeat(1000)}`, 'connect');

    expect(await repo().attempt(appId, 'atmpt_1first')).toMatchObject({ statusCode: 503, response: 'busy' });
    const latest = await repo().latestAttempt(appId, endpoint.id);
    expect(latest).toMatchObject({ statusCode: 0, errorClass: 'connect', at });
    expect(latest!.response).toHaveLength(500);
    expect(JSON.stringify(latest)).not.toContain('payload');
    expect(await repo().attempt('app_other', 'atmpt_1first')).toBeUndefined();
  });
});
