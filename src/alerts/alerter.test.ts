import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/index.ts';
import {
  createStore,
  type DatabaseHandle,
  type Endpoint,
  openPostgresDatabase,
  type Store,
} from '../db/index.ts';
import { createPostgresTestDatabase, postgresTestUrl, testDrivers } from '../db/testing.ts';
import type { OperationalEvent } from '../delivery/index.ts';
import { createSecretBox } from '../secrets/index.ts';
import { type Alerter, type AlerterOptions, createAlerter } from './alerter.ts';
import { createSmtpMailSender } from './mail-sender.ts';
import { smtpSettingsFromConfig } from './smtp-settings.ts';
import { startTestSmtpServer, type TestSmtpServer } from './test-smtp-server.ts';

const USER = 'switchyard-alerts';
const PASSWORD = 'p@ss w0rd/with:odd&chars';
const FROM = 'Switchyard <alerts@switchyard.test>';
const DASHBOARD = 'https://switchyard.example';

/** Log lines, to check what was said and that no secret was. */
function captureLogs() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino(
    { level: 'debug' },
    new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
        done();
      },
    }),
  );
  return { logger, lines, text: () => JSON.stringify(lines) };
}

function mailerFor(url: string, password = PASSWORD) {
  const smtpUrl = new URL(url);
  smtpUrl.password = encodeURIComponent(password);
  const settings = smtpSettingsFromConfig(
    loadConfig({ SWITCHYARD_SMTP_URL: smtpUrl.toString(), SWITCHYARD_ALERT_FROM: FROM }),
  );
  return createSmtpMailSender(settings!);
}

describe.each(testDrivers())('failure email alerts on $name', (driver) => {
  let handle: DatabaseHandle;
  let store: Store;
  let smtp: TestSmtpServer;
  const alerters: Alerter[] = [];

  function alerter(overrides: Partial<AlerterOptions> = {}) {
    const created = createAlerter({
      store,
      mailer: mailerFor(smtp.url),
      from: FROM,
      dashboardUrl: DASHBOARD,
      intervalMs: 3_600_000,
      logger: pino({ level: 'silent' }),
      retryDelaysMs: [50, 100, 150],
      ...overrides,
    });
    alerters.push(created);
    return created;
  }

  async function tenant(emails: string[], name = 'Acme Inc') {
    const app = await store.apps.create({ name });
    if (emails.length)
      await store.alerts.saveSettings(app.id, {
        emails,
        kinds: ['endpoint.failing', 'endpoint.disabled', 'message.attempt.exhausted'],
      });
    const endpoint = await store.endpoints.create(app.id, {
      url: 'https://merchant:hunter2@hooks.acme.example/webhooks?token=t0ps3cret',
      description: 'Order sync',
    });
    return { appId: app.id, endpoint };
  }

  /** A failed attempt as the worker records it, with a payload that must never reach an email. */
  async function failedAttempt(
    endpoint: Endpoint,
    result: { statusCode: number; response: string; errorClass: string | null },
  ) {
    await store.messages.create(endpoint.appId, {
      eventType: 'payment.succeeded',
      payload: { card: '4242-secret-payload' },
      retentionHours: 1,
    });
    const claimed = (
      await store.deliveryQueue.claimDue({ limit: 100, leaseMs: 60_000, perEndpoint: 100 })
    ).find((d) => d.endpointId === endpoint.id)!;
    const attemptId = `atmpt_${randomBytes(8).toString('hex')}`;
    await store.deliveryQueue.recordOutcomes(
      [
        {
          deliveryId: claimed.id,
          appId: endpoint.appId,
          messageId: claimed.messageId,
          endpointId: endpoint.id,
          status: 1,
          attemptCount: claimed.attemptCount,
          nextAttemptAt: new Date(Date.now() + 60_000),
          attempt: {
            id: attemptId,
            url: endpoint.url,
            status: 2,
            ...result,
            durationMs: 12,
            triggerType: 0,
            at: new Date(),
            countsForHealth: true,
          },
        },
      ],
      { afterMs: 86_400_000, minFailureSpanMs: 3_600_000 },
    );
    return { attemptId, messageId: claimed.messageId };
  }

  function event(
    type: OperationalEvent['type'],
    endpoint: Endpoint,
    extra: { messageId?: string; attemptId?: string; statusCode?: number; reason?: string } = {},
  ): OperationalEvent {
    return {
      type,
      appId: endpoint.appId,
      endpointId: endpoint.id,
      ...(extra.messageId ? { messageId: extra.messageId } : {}),
      data: extra.reason
        ? { reason: extra.reason }
        : {
            lastAttempt: {
              id: extra.attemptId ?? 'atmpt_unknown',
              responseStatusCode: extra.statusCode ?? 0,
              timestamp: new Date().toISOString(),
            },
          },
    };
  }

  const mailsFor = (endpoint: Endpoint) => smtp.received.filter((r) => r.mail.text?.includes(endpoint.id));

  beforeAll(async () => {
    handle = await driver.open();
    store = createStore(handle, createSecretBox(randomBytes(32)));
    smtp = await startTestSmtpServer({ user: USER, password: PASSWORD });
  });
  afterEach(async () => {
    await Promise.all(alerters.splice(0).map((a) => a.stop()));
  });
  afterAll(async () => {
    await smtp?.close();
    await handle?.close();
  });

  it('emails every address once, logged in, when an endpoint starts failing', async () => {
    const { appId, endpoint } = await tenant(['ops@acme.example', 'dev@acme.example']);
    const { attemptId, messageId } = await failedAttempt(endpoint, {
      statusCode: 503,
      response: 'upstream says 4242-secret-payload',
      errorClass: null,
    });
    const alerts = alerter();
    alerts.notify(event('message.attempt.failing', endpoint, { messageId, attemptId, statusCode: 503 }));
    await alerts.idle();

    const [received, ...more] = mailsFor(endpoint);
    expect(more).toEqual([]);
    expect(received!.user).toBe(USER);
    expect(received!.envelope.to.sort()).toEqual(['dev@acme.example', 'ops@acme.example']);
    expect(received!.envelope.from).toBe('alerts@switchyard.test');
    const { mail } = received!;
    expect(mail.subject).toBe(
      '[Switchyard] Endpoint failing: https://hooks.acme.example/webhooks (Acme Inc)',
    );
    expect(mail.headers.get('auto-submitted')).toBe('auto-generated');
    expect(mail.headers.get('x-switchyard-alert')).toBe('endpoint.failing');
    const text = mail.text!;
    expect(text).toContain('Deliveries to an endpoint of Acme Inc are failing');
    expect(text).toContain(`Acme Inc (${appId})`);
    expect(text).toContain(`https://hooks.acme.example/webhooks (${endpoint.id})`);
    expect(text).toContain('Order sync');
    expect(text).toContain(messageId);
    expect(text).toMatch(/Last error:\s+HTTP 503/);
    expect(text).toContain(`${DASHBOARD}/app/${appId}/endpoints/${endpoint.id}`);
    expect(text).toContain('at most one alert of each kind per endpoint every 60 minutes');
    const html = String(mail.html);
    expect(html).toContain('<h2 style="margin: 0 0 12px">Endpoint failing</h2>');
    expect(html).toContain(`href="${DASHBOARD}/app/${appId}/endpoints/${endpoint.id}"`);
    // Nothing from the URL's credentials or query, the payload, the response body or the signing secret.
    for (const secret of [
      'hunter2',
      't0ps3cret',
      '4242-secret-payload',
      store.endpoints.revealSecret(endpoint),
    ])
      expect(received!.raw).not.toContain(secret);
  });

  it('emails when an endpoint is disabled, with the reason and its last error', async () => {
    const { endpoint } = await tenant(['ops@acme.example']);
    await failedAttempt(endpoint, {
      statusCode: 0,
      response: 'connect ECONNREFUSED 203.0.113.7:443',
      errorClass: 'connect',
    });
    const alerts = alerter();
    alerts.notify(event('endpoint.disabled', endpoint, { reason: 'failing continuously' }));
    await alerts.idle();
    const [received] = mailsFor(endpoint);
    expect(received!.mail.subject).toBe(
      '[Switchyard] Endpoint disabled: https://hooks.acme.example/webhooks (Acme Inc)',
    );
    expect(received!.mail.text).toContain(
      'Switchyard disabled an endpoint of Acme Inc (failing continuously)',
    );
    expect(received!.mail.text).toMatch(/Last error:\s+connect: connect ECONNREFUSED 203\.0\.113\.7:443/);
  });

  it('emails when a message is exhausted, keeping a transformation error in the dashboard', async () => {
    const { endpoint } = await tenant(['ops@acme.example']);
    const { attemptId, messageId } = await failedAttempt(endpoint, {
      statusCode: 0,
      response: 'Error: 4242-secret-payload (line 1, column 2)',
      errorClass: 'transformation',
    });
    const alerts = alerter();
    alerts.notify(event('message.attempt.exhausted', endpoint, { messageId, attemptId }));
    await alerts.idle();
    const [received] = mailsFor(endpoint);
    expect(received!.mail.subject).toBe(
      '[Switchyard] Message not delivered: https://hooks.acme.example/webhooks (Acme Inc)',
    );
    expect(received!.mail.text).toContain('failed every attempt of its retry schedule');
    expect(received!.mail.text).toContain(messageId);
    expect(received!.mail.text).toContain('the transformation threw an error (see the dashboard)');
    expect(received!.raw).not.toContain('4242-secret-payload');
  });

  it('sends one email for a burst of failures of one endpoint, and one per other endpoint or kind', async () => {
    const { endpoint } = await tenant(['ops@acme.example']);
    const other = (await tenant(['ops@other.example'], 'Other')).endpoint;
    const alerts = alerter();
    for (let i = 0; i < 50; i++) {
      alerts.notify(event('message.attempt.failing', endpoint, { statusCode: 500 }));
      alerts.notify(event('message.attempt.exhausted', endpoint, { statusCode: 500 }));
    }
    alerts.notify(event('message.attempt.failing', other, { statusCode: 500 }));
    // The recovered event is not an alert.
    alerts.notify(event('message.attempt.recovered', endpoint, { statusCode: 200 }));
    await alerts.idle();
    for (let i = 0; i < 20; i++)
      alerts.notify(event('message.attempt.failing', endpoint, { statusCode: 500 }));
    await alerts.idle();

    const kinds = mailsFor(endpoint)
      .map((r) => r.mail.headers.get('x-switchyard-alert'))
      .sort();
    expect(kinds).toEqual(['endpoint.failing', 'message.attempt.exhausted']);
    expect(mailsFor(other)).toHaveLength(1);
  });

  it('sends again once the interval has passed', async () => {
    const { endpoint } = await tenant(['ops@acme.example']);
    const alerts = alerter({ intervalMs: 500, recheckMs: 50 });
    const disabled = () => event('endpoint.disabled', endpoint, { reason: 'failing continuously' });
    alerts.notify(disabled());
    await alerts.idle();
    alerts.notify(disabled());
    await alerts.idle();
    expect(mailsFor(endpoint)).toHaveLength(1);
    await sleep(600);
    alerts.notify(disabled());
    await alerts.idle();
    expect(mailsFor(endpoint)).toHaveLength(2);
    expect(mailsFor(endpoint)[0]!.mail.text).toContain('per endpoint every second.');
  });

  it('sends nothing for an app without addresses, or for a kind it turned off', async () => {
    const { endpoint } = await tenant([]);
    const picky = await tenant(['ops@acme.example']);
    await store.alerts.saveSettings(picky.appId, {
      emails: ['ops@acme.example'],
      kinds: ['endpoint.disabled'],
    });
    const alerts = alerter();
    alerts.notify(event('message.attempt.failing', endpoint, { statusCode: 500 }));
    alerts.notify(event('endpoint.disabled', endpoint, { reason: 'failing continuously' }));
    alerts.notify(event('message.attempt.failing', picky.endpoint, { statusCode: 500 }));
    await alerts.idle();
    expect(mailsFor(endpoint)).toEqual([]);
    expect(mailsFor(picky.endpoint)).toEqual([]);
    // Nothing was claimed either: the first alert once addresses are set goes out.
    await store.alerts.saveSettings(picky.appId, {
      emails: ['ops@acme.example'],
      kinds: ['endpoint.failing'],
    });
    const fresh = alerter();
    fresh.notify(event('message.attempt.failing', picky.endpoint, { statusCode: 500 }));
    await fresh.idle();
    expect(mailsFor(picky.endpoint)).toHaveLength(1);
  });

  it('retries an email the server turned away, then sends it once', async () => {
    const { endpoint } = await tenant(['ops@acme.example']);
    const logs = captureLogs();
    smtp.failNext(2);
    const alerts = alerter({ logger: logs.logger });
    alerts.notify(event('endpoint.disabled', endpoint, { reason: 'failing continuously' }));
    await alerts.idle();
    expect(mailsFor(endpoint)).toHaveLength(1);
    const retries = logs.lines.filter((l) => l.msg === 'alert email could not be sent; retrying');
    expect(retries.map((l) => l.attempt)).toEqual([1, 2]);
    expect(logs.lines.some((l) => l.msg === 'alert email sent')).toBe(true);
  });

  it('retries while the SMTP server is down, and sends once it is back', async () => {
    const { endpoint } = await tenant(['ops@acme.example']);
    const down = await startTestSmtpServer({ user: USER, password: PASSWORD });
    const { port, url } = down;
    await down.close();
    const alerts = alerter({ mailer: mailerFor(url), retryDelaysMs: [100, 300, 600, 1000] });
    alerts.notify(event('endpoint.disabled', endpoint, { reason: 'failing continuously' }));
    await sleep(150);
    const back = await startTestSmtpServer({ user: USER, password: PASSWORD, port });
    try {
      await alerts.idle();
      expect(back.received).toHaveLength(1);
      expect(back.received[0]!.mail.text).toContain(endpoint.id);
    } finally {
      await alerts.stop();
      await back.close();
    }
  });

  it('gives up after its retries without the password in any log, and lets the next failure try again', async () => {
    const { endpoint } = await tenant(['ops@acme.example']);
    const logs = captureLogs();
    const failedLogins = smtp.failedLogins;
    const wrong = 'wr0ng-Passw0rd-xyz';
    const alerts = alerter({ mailer: mailerFor(smtp.url, wrong), logger: logs.logger, retryDelaysMs: [20] });
    alerts.notify(event('message.attempt.failing', endpoint, { statusCode: 500 }));
    await alerts.idle();
    expect(mailsFor(endpoint)).toEqual([]);
    expect(smtp.failedLogins).toBeGreaterThan(failedLogins);
    expect(logs.lines.some((l) => l.msg === 'alert email could not be sent; giving up')).toBe(true);
    for (const secret of [
      wrong,
      encodeURIComponent(wrong),
      Buffer.from(`\0${USER}\0${wrong}`).toString('base64'),
    ])
      expect(logs.text()).not.toContain(secret);

    const fixed = alerter();
    fixed.notify(event('message.attempt.failing', endpoint, { statusCode: 500 }));
    await fixed.idle();
    expect(mailsFor(endpoint)).toHaveLength(1);
  });

  it('never blocks the caller, and drops alerts beyond its queue', async () => {
    const logs = captureLogs();
    const alerts = alerter({ maxQueued: 3, concurrency: 1, logger: logs.logger });
    const endpoints = await Promise.all(
      Array.from({ length: 10 }, async () => (await tenant(['q@acme.example'])).endpoint),
    );
    const started = performance.now();
    for (const endpoint of endpoints)
      alerts.notify(event('message.attempt.failing', endpoint, { statusCode: 500 }));
    expect(performance.now() - started).toBeLessThan(50);
    await alerts.idle();
    // One being handled and three queued; the rest were dropped, and said so once.
    expect(endpoints.filter((e) => mailsFor(e).length === 1)).toHaveLength(4);
    expect(
      logs.lines.filter((l) => l.msg === 'alert queue full; alerts are dropped until it drains'),
    ).toHaveLength(1);
  });
});

describe.skipIf(!postgresTestUrl())('failure email alerts from two processes on one PostgreSQL', () => {
  it('sends one email when two alerters see the same failures', async () => {
    const database = await createPostgresTestDatabase();
    const handles = [
      await openPostgresDatabase({ url: database.url, poolSize: 2 }),
      await openPostgresDatabase({ url: database.url, poolSize: 2 }),
    ];
    const smtp = await startTestSmtpServer({ user: USER, password: PASSWORD });
    const box = createSecretBox(randomBytes(32));
    const stores = handles.map((h) => createStore(h, box));
    const alerters = stores.map((store) =>
      createAlerter({
        store,
        mailer: mailerFor(smtp.url),
        from: FROM,
        dashboardUrl: DASHBOARD,
        intervalMs: 3_600_000,
        logger: pino({ level: 'silent' }),
      }),
    );
    try {
      const app = await stores[0]!.apps.create({ name: 'Shared' });
      await stores[0]!.alerts.saveSettings(app.id, {
        emails: ['ops@shared.example'],
        kinds: ['endpoint.failing'],
      });
      const endpoints = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          stores[0]!.endpoints.create(app.id, { url: `https://shared.example/${i}` }),
        ),
      );
      for (let round = 0; round < 10; round++) {
        for (const endpoint of endpoints) {
          for (const alerts of alerters) {
            alerts.notify({
              type: 'message.attempt.failing',
              appId: app.id,
              endpointId: endpoint.id,
              data: {
                lastAttempt: {
                  id: 'atmpt_none',
                  responseStatusCode: 502,
                  timestamp: new Date().toISOString(),
                },
              },
            });
          }
        }
      }
      await Promise.all(alerters.map((a) => a.idle()));
      const perEndpoint = endpoints.map(
        (e) => smtp.received.filter((r) => r.mail.text?.includes(e.id)).length,
      );
      expect(perEndpoint).toEqual([1, 1, 1, 1, 1]);
    } finally {
      await Promise.all(alerters.map((a) => a.stop()));
      await smtp.close();
      await Promise.all(handles.map((h) => h.close()));
      await database.drop();
    }
  });
});
