import type { ServerResponse } from 'node:http';
import { Svix } from 'svix';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer, testServerDrivers } from '../server/testing.ts';
import { startTestReceiver, type TestReceiver } from './test-receiver.ts';

/** Send slots, and so deliveries per claim (the batch is the concurrency, at least 16). */
const CONCURRENCY = 16;

describe.each(testServerDrivers())('claiming ahead on %s', (driver) => {
  let server: TestServer;
  let receiver: TestReceiver;
  let svix: Svix;
  const unanswered: ServerResponse[] = [];

  beforeAll(async () => {
    server = await startTestServer(driver, {
      SWITCHYARD_ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8',
      SWITCHYARD_DELIVERY_CONCURRENCY: String(CONCURRENCY),
      SWITCHYARD_ENDPOINT_CONCURRENCY: String(CONCURRENCY),
    });
    svix = new Svix(server.operatorTokenValue, { serverUrl: server.url });
    receiver = await startTestReceiver();
    receiver.respondWith((_request, response) => {
      unanswered.push(response);
    });
  });
  afterAll(async () => {
    receiver?.respondWith((_request, response) => {
      response.writeHead(204).end();
    });
    for (const response of unanswered) response.writeHead(204).end();
    await server?.close();
    await receiver?.close();
  });

  it('holds the next batch while every send slot is busy (regression: the worker claimed only when a slot was free, so each batch waited for the claim after the last one finished)', async () => {
    const app = await svix.application.create({ name: 'Busy' });
    await svix.endpoint.create(app.id, { url: receiver.url });
    for (let n = 0; n < CONCURRENCY * 3; n++) {
      await svix.message.create(app.id, { eventType: 'payment.succeeded', payload: { n } });
    }
    await receiver.waitFor(CONCURRENCY);
    // Claimed deliveries are leased into the future, so the queue counts them as waiting but not due.
    const claimed = async () => {
      const depth = await server.store.deliveryQueue.depth();
      return depth.queued - depth.due;
    };
    await expect.poll(claimed, { timeout: 5_000 }).toBe(CONCURRENCY * 2);
    expect(receiver.received).toHaveLength(CONCURRENCY);
  });
});
