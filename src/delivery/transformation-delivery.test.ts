import { readFileSync } from 'node:fs';
import { Webhook } from 'standardwebhooks';
import { Svix } from 'svix';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findEventType } from '../catalog/index.ts';
import { startTestServer, type TestServer, testServerDrivers } from '../server/testing.ts';
import { startTestReceiver, type TestReceiver } from './test-receiver.ts';

const seed = (name: string) =>
  readFileSync(new URL(`../../../shared/seeds/transformations/${name}`, import.meta.url), 'utf8');

describe.each(testServerDrivers())('transformations in delivery on %s', (driver) => {
  let server: TestServer;
  let receiver: TestReceiver;
  let svix: Svix;

  beforeAll(async () => {
    receiver = await startTestReceiver();
    server = await startTestServer(driver, {
      SWITCHYARD_ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8',
      SWITCHYARD_RETRY_SCHEDULE: '1,1',
      SWITCHYARD_DESTINATION_OVERRIDES: `api.segment.io=${receiver.url}`,
    });
    svix = new Svix(server.operatorTokenValue, { serverUrl: server.url });
  });
  afterAll(async () => {
    await server.close();
    await receiver.close();
  });

  it('sends what a seed sample makes of the event, to the URL it chose, signed', async () => {
    receiver.received.length = 0;
    const app = await svix.application.create({ name: 'Segment merchant' });
    const endpoint = await svix.endpoint.create(app.id, {
      url: `${receiver.url}/unused`,
      eventTypes: ['payment.succeeded'],
    });
    await svix.endpoint.transformation.patch(app.id, endpoint.id, {
      code: seed('segment-track-payment.js'),
      enabled: true,
    });
    const example = findEventType('payment.succeeded')!.example;
    const message = await svix.message.create(app.id, { eventType: 'payment.succeeded', payload: example });

    const [request] = await receiver.waitFor(1);
    expect(request!.path).toBe('/v1/track');
    const body = JSON.parse(request!.body);
    expect(body).toEqual({
      userId: (example.data as { customer: { customer_id: string } }).customer.customer_id,
      event: 'Payment Completed',
      properties: expect.objectContaining({
        amount: '29.99',
        payment_id: (example.data as { payment_id: string }).payment_id,
      }),
      timestamp: example.timestamp,
    });
    const { key } = await svix.endpoint.getSecret(app.id, endpoint.id);
    const headers = {
      'webhook-id': String(request!.headers['webhook-id']),
      'webhook-timestamp': String(request!.headers['webhook-timestamp']),
      'webhook-signature': String(request!.headers['webhook-signature']),
    };
    expect(headers['webhook-id']).toBe(message.id);
    expect(new Webhook(key.slice(6)).verify(request!.body, headers)).toEqual(body);
    await expect
      .poll(async () => (await svix.messageAttempt.listByMsg(app.id, message.id)).data[0]?.url)
      .toBe('https://api.segment.io/v1/track');
  });

  it('records a thrown error with its line and console, does not retry it, and resends after the fix', async () => {
    receiver.received.length = 0;
    const app = await svix.application.create({ name: 'Broken code' });
    const endpoint = await svix.endpoint.create(app.id, { url: `${receiver.url}/plain` });
    const broken =
      'function handler(webhook) {\n  console.log("about to fail");\n  throw new Error("no customer");\n}';
    await svix.endpoint.transformation.patch(app.id, endpoint.id, { code: broken, enabled: true });
    const message = await svix.message.create(app.id, {
      eventType: 'refund.succeeded',
      payload: { type: 'refund.succeeded' },
    });
    const attempts = async () =>
      (await svix.messageAttempt.listByMsg(app.id, message.id, { withContent: true })).data;
    await expect.poll(async () => (await attempts()).length).toBe(1);
    const [failed] = await attempts();
    expect(failed!.status).toBe(2);
    expect(failed!.response).toMatch(/Error: no customer \(line 3, column 9\)/);
    expect(failed!.response).toContain('[log] about to fail');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await attempts()).toHaveLength(1);
    expect(receiver.received).toHaveLength(0);

    const fixed = 'function handler(webhook) {\n  webhook.payload = { fixed: true };\n  return webhook;\n}';
    await svix.endpoint.transformation.patch(app.id, endpoint.id, { code: fixed });
    await svix.messageAttempt.resend(app.id, message.id, endpoint.id);
    const [request] = await receiver.waitFor(1);
    expect(JSON.parse(request!.body)).toEqual({ fixed: true });
  });

  it('records a cancelled delivery as canceled and sends nothing', async () => {
    receiver.received.length = 0;
    const app = await svix.application.create({ name: 'Cancel' });
    const endpoint = await svix.endpoint.create(app.id, { url: `${receiver.url}/plain` });
    await svix.endpoint.transformation.patch(app.id, endpoint.id, {
      code: 'function handler(webhook) { return null; }',
      enabled: true,
    });
    const message = await svix.message.create(app.id, { eventType: 'dispute.opened', payload: {} });
    await expect
      .poll(
        async () => (await svix.messageAttempt.listAttemptedDestinations(app.id, message.id)).data[0]?.status,
      )
      .toBe(4);
    expect(receiver.received).toHaveLength(0);
  });

  it('refuses code that does not compile, naming the line', async () => {
    const app = await svix.application.create({ name: 'Syntax' });
    const endpoint = await svix.endpoint.create(app.id, { url: `${receiver.url}/plain` });
    const res = await fetch(`${server.url}/api/v1/app/${app.id}/endpoint/${endpoint.id}/transformation`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${server.operatorTokenValue}`, 'content-type': 'application/json' },
      body: JSON.stringify({ code: 'function handler(webhook) {\n  return webhook +;\n}', enabled: true }),
    });
    expect(res.status).toBe(422);
    const problem = (await res.json()) as { detail: { loc: string[]; msg: string }[] };
    expect(problem.detail[0]).toMatchObject({ loc: ['body', 'code'] });
    expect(problem.detail[0]!.msg).toMatch(/SyntaxError: .*\(line 2, column \d+\)/);
    expect((await svix.endpoint.transformation.get(app.id, endpoint.id)).code).toBeFalsy();
  });
});
