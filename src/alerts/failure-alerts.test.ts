import type { AddressInfo } from 'node:net';
import { createServer, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestReceiver, type TestReceiver } from '../delivery/test-receiver.ts';
import { startTestServer, type TestServer, testServerDrivers } from '../server/testing.ts';
import { startTestSmtpServer, type TestSmtpServer } from './test-smtp-server.ts';

const PUBLIC_URL = 'https://switchyard.example';

/** Answers by path: `/fail` with 500, `/disable` asks to be disabled, anything else 200. */
function failingReceiver(receiver: TestReceiver) {
  receiver.respondWith((request, response) => {
    if (request.path.startsWith('/fail')) return void response.writeHead(500).end('boom');
    if (request.path.startsWith('/disable'))
      return void response.writeHead(410, { 'webhook-delivery': 'disable' }).end();
    response.writeHead(200).end('ok');
  });
}

async function api(server: TestServer, method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${server.operatorTokenValue}`, 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const json = (await res.json()) as Record<string, unknown>;
  if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
  return json;
}

const message = (n: number) => ({
  eventType: 'payment.succeeded',
  payload: { business_id: 'bus_1', type: 'payment.succeeded', data: { card_secret: `4242-payload-${n}` } },
});

describe.each(testServerDrivers())('failure email alerts through the delivery worker on %s', (driver) => {
  let smtp: TestSmtpServer;
  let receiver: TestReceiver;
  let server: TestServer;

  beforeAll(async () => {
    smtp = await startTestSmtpServer({ user: 'alerts', password: 's3cret:pass' });
    receiver = await startTestReceiver();
    failingReceiver(receiver);
    server = await startTestServer(driver, {
      SWITCHYARD_ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8',
      SWITCHYARD_RETRY_SCHEDULE: '0,0,0,0',
      SWITCHYARD_SMTP_URL: smtp.url,
      SWITCHYARD_ALERT_FROM: 'Switchyard <alerts@switchyard.test>',
      SWITCHYARD_PUBLIC_URL: PUBLIC_URL,
    });
  });
  afterAll(async () => {
    await server?.close();
    await receiver?.close();
    await smtp?.close();
  });

  it('emails the app’s addresses when an endpoint fails, is exhausted and is disabled, once per kind', async () => {
    const app = await api(server, 'POST', '/api/v1/app', { name: 'Acme Inc' });
    const appId = app.id as string;
    await api(server, 'PUT', `/api/v1/app/${appId}/alerts`, {
      emails: ['ops@acme.example', 'dev@acme.example'],
    });
    const failing = await api(server, 'POST', `/api/v1/app/${appId}/endpoint`, {
      url: `${receiver.url}/fail`,
    });
    const gone = await api(server, 'POST', `/api/v1/app/${appId}/endpoint`, {
      url: `${receiver.url}/disable`,
    });
    await api(server, 'POST', `/api/v1/app/${appId}/msg`, message(1));

    // /fail: failing after the 4th attempt, exhausted after the 5th; /disable: disabled, and its message exhausted.
    const mails = await smtp.waitFor(4, 20_000);
    const about = (endpointId: unknown) =>
      mails
        .filter((m) => m.mail.text?.includes(String(endpointId)))
        .map((m) => m.mail.headers.get('x-switchyard-alert'))
        .sort();
    expect(about(failing.id)).toEqual(['endpoint.failing', 'message.attempt.exhausted']);
    expect(about(gone.id)).toEqual(['endpoint.disabled', 'message.attempt.exhausted']);
    for (const { user, envelope, mail, raw } of mails) {
      expect(user).toBe('alerts');
      expect(envelope.to.sort()).toEqual(['dev@acme.example', 'ops@acme.example']);
      expect(mail.subject).toMatch(
        /^\[Switchyard\] (Endpoint failing|Endpoint disabled|Message not delivered): http:\/\/127\.0\.0\.1:\d+\/(fail|disable) \(Acme Inc\)$/,
      );
      expect(mail.text).toContain(`${PUBLIC_URL}/app/${appId}/endpoints/`);
      expect(raw).not.toContain('4242-payload');
    }
    const disabled = mails.find((m) => m.mail.headers.get('x-switchyard-alert') === 'endpoint.disabled')!;
    expect(disabled.mail.text).toContain('(the receiver asked (webhook-delivery: disable))');
    const failingMail = mails.find((m) => m.mail.headers.get('x-switchyard-alert') === 'endpoint.failing')!;
    expect(failingMail.mail.text).toMatch(/Last error:\s+HTTP 500/);

    // More failures of the same endpoint within the hour: delivered and retried as before, and no more email.
    const before = receiver.received.filter((r) => r.path === '/fail').length;
    await api(server, 'POST', `/api/v1/app/${appId}/msg`, message(2));
    await api(server, 'POST', `/api/v1/app/${appId}/msg`, message(3));
    const deadline = Date.now() + 15_000;
    while (receiver.received.filter((r) => r.path === '/fail').length < before + 10 && Date.now() < deadline)
      await sleep(50);
    expect(receiver.received.filter((r) => r.path === '/fail').length).toBe(before + 10);
    await sleep(1_000);
    expect(smtp.received).toHaveLength(4);
  });
});

/** Accepts connections and never says a word, as a hung SMTP server does. */
async function startSilentServer(): Promise<{ url: string; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const silent: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  const { port } = silent.address() as AddressInfo;
  return {
    url: `smtp://alerts:pw@127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        silent.close(() => resolve());
      }),
  };
}

describe.each(testServerDrivers())('deliveries while the SMTP server hangs, on %s', (driver) => {
  let silent: Awaited<ReturnType<typeof startSilentServer>>;
  let receiver: TestReceiver;
  let server: TestServer;

  beforeAll(async () => {
    silent = await startSilentServer();
    receiver = await startTestReceiver();
    failingReceiver(receiver);
    server = await startTestServer(driver, {
      SWITCHYARD_ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8',
      SWITCHYARD_RETRY_SCHEDULE: '0,0,0,0',
      SWITCHYARD_SMTP_URL: silent.url,
      SWITCHYARD_ALERT_FROM: 'alerts@switchyard.test',
    });
  });
  afterAll(async () => {
    await receiver?.close();
    await silent?.close();
  });

  it('keeps delivering at full pace, and shuts down without waiting for SMTP', async () => {
    const app = await api(server, 'POST', '/api/v1/app', { name: 'Busy' });
    const appId = app.id as string;
    await api(server, 'PUT', `/api/v1/app/${appId}/alerts`, { emails: ['ops@busy.example'] });
    await api(server, 'POST', `/api/v1/app/${appId}/endpoint`, {
      url: `${receiver.url}/fail`,
      eventTypes: ['refund.succeeded'],
    });
    await api(server, 'POST', `/api/v1/app/${appId}/endpoint`, {
      url: `${receiver.url}/ok`,
      eventTypes: ['payment.succeeded'],
    });
    // Alerts for the failing endpoint are now waiting on the silent server.
    await api(server, 'POST', `/api/v1/app/${appId}/msg`, { ...message(0), eventType: 'refund.succeeded' });
    const deadline = Date.now() + 10_000;
    while (receiver.received.filter((r) => r.path === '/fail').length < 5 && Date.now() < deadline)
      await sleep(20);

    const started = Date.now();
    for (let n = 1; n <= 20; n++) await api(server, 'POST', `/api/v1/app/${appId}/msg`, message(n));
    while (receiver.received.filter((r) => r.path === '/ok').length < 20 && Date.now() - started < 10_000)
      await sleep(20);
    expect(receiver.received.filter((r) => r.path === '/ok')).toHaveLength(20);
    // SMTP's connection timeout is 10 s: everything arrived well before an alert could even fail.
    expect(Date.now() - started).toBeLessThan(5_000);

    const closing = Date.now();
    await server.close();
    expect(Date.now() - closing).toBeLessThan(5_000);
  });
});
