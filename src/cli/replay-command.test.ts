import { Svix } from 'svix';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestReceiver, type TestReceiver } from '../delivery/test-receiver.ts';
import { startTestServer, type TestServer, testServerDrivers } from '../server/testing.ts';
import { runSwitchyard } from './testing.ts';

describe.each(testServerDrivers())('switchyard recover and replay on %s', (driver) => {
  let server: TestServer;
  let receiver: TestReceiver;
  let svix: Svix;
  let appId: string;
  let endpointId: string;
  const messageIds: string[] = [];
  const task = (command: string, ...args: string[]) =>
    runSwitchyard([
      command,
      '--app',
      appId,
      '--endpoint',
      endpointId,
      '--url',
      server.url,
      '--token',
      server.operatorTokenValue,
      ...args,
    ]);
  const deliveredIds = () => receiver.received.map((r) => String(r.headers['webhook-id']));

  beforeAll(async () => {
    server = await startTestServer(driver, {
      SWITCHYARD_ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8',
      SWITCHYARD_RETRY_SCHEDULE: '1',
    });
    receiver = await startTestReceiver();
    svix = new Svix(server.operatorTokenValue, { serverUrl: server.url });
    appId = (await svix.application.create({ name: 'Replays' })).id;
    endpointId = (await svix.endpoint.create(appId, { url: receiver.url })).id;
  });
  afterAll(async () => {
    await server?.close();
    await receiver?.close();
  });

  it('recovers the failed messages of a window to completion, with progress lines when not on a terminal', async () => {
    receiver.respondWith((_req, res) => res.writeHead(500).end());
    for (let n = 0; n < 3; n++) {
      const message = await svix.message.create(appId, {
        eventType: 'payment.succeeded',
        payload: { type: 'payment.succeeded', data: { payment_id: `pay_${n}` } },
      });
      messageIds.push(message.id);
    }
    const failed = async () =>
      (
        await Promise.all(
          messageIds.map(
            async (id) => (await svix.messageAttempt.listAttemptedDestinations(appId, id)).data[0]?.status,
          ),
        )
      ).filter((status) => status === 2).length;
    await expect.poll(failed, { timeout: 15_000 }).toBe(3);
    receiver.respondWith((_req, res) => res.writeHead(200).end());
    receiver.received.length = 0;

    const run = await task('recover', '--since', '1h');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^recover qtask_\w+ finished in [\d.]+ s: 3 deliveries queued\n$/);
    expect(run.stderr).toMatch(/^recover qtask_\w+: running, 0% of the window, 0 deliveries queued\n/);
    expect(run.stderr).toMatch(/recover qtask_\w+: finished, 100% of the window, 3 deliveries queued\n$/);
    expect(run.stderr).not.toContain('\r');
    await receiver.waitFor(3);
    expect(deliveredIds().sort()).toEqual([...messageIds].sort());
  });

  it('replays only missing messages (none here) as JSON, then every message of the window', async () => {
    const missing = await task('replay', '--since', '1h', '--missing', '--json');
    expect(missing.code).toBe(0);
    expect(missing.stderr).toBe('');
    expect(JSON.parse(missing.stdout)).toMatchObject({
      status: 'finished',
      task: 'endpoint.replay',
      data: { appId, endpointId, processed: 0, progress: 1, error: null },
    });

    receiver.received.length = 0;
    const bulk = await task('replay', '--since', new Date(Date.now() - 3_600_000).toISOString());
    expect(bulk.code).toBe(0);
    expect(bulk.stdout).toMatch(/^bulk-replay qtask_\w+ finished in [\d.]+ s: 3 deliveries queued\n$/);
    await receiver.waitFor(3);
    expect(deliveredIds().sort()).toEqual([...messageIds].sort());
  });

  it('starts a task without following it when told not to wait', async () => {
    const run = await task('replay', '--since', '1h', '--missing', '--no-wait');
    expect(run.code).toBe(0);
    const id = /^started replay-missing (qtask_\w+)\n$/.exec(run.stdout)?.[1];
    expect(id).toBeDefined();
    const res = await fetch(`${server.url}/api/v1/background-task/${id}`, {
      headers: { authorization: `Bearer ${server.operatorTokenValue}` },
    });
    expect(res.status).toBe(200);
  });

  it("exits 1 with the API's problem for an unknown endpoint or a window that ends before it starts", async () => {
    const unknown = await runSwitchyard([
      'recover',
      '--app',
      appId,
      '--endpoint',
      'ep_nope',
      '--since',
      '1h',
      '--url',
      server.url,
      '--token',
      server.operatorTokenValue,
    ]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^switchyard: 404 Not Found: .*Endpoint/);

    const backwards = await task('replay', '--since', '1h', '--until', '2h');
    expect(backwards.code).toBe(1);
    expect(backwards.stderr).toMatch(/^switchyard: 422 Validation Failed: .*until: must be after since/);
  });
});

describe.each(testServerDrivers())('switchyard recover of a task that fails, on %s', (driver) => {
  let server: TestServer;

  beforeAll(async () => {
    // No worker: the test decides how the task ends.
    server = await startTestServer(driver, { SWITCHYARD_WORKER: 'false' });
  });
  afterAll(async () => {
    await server?.close();
  });

  it("exits 1 with the task's error", async () => {
    const svix = new Svix(server.operatorTokenValue, { serverUrl: server.url });
    const app = await svix.application.create({ name: 'Failing' });
    const endpoint = await svix.endpoint.create(app.id, { url: 'https://merchant.example/hooks' });
    const running = runSwitchyard([
      'recover',
      '--app',
      app.id,
      '--endpoint',
      endpoint.id,
      '--since',
      '1h',
      '--url',
      server.url,
      '--token',
      server.operatorTokenValue,
    ]);
    const started = async () => (await server.store.backgroundTasks.list({ limit: 1 }, app.id)).data[0]?.id;
    await expect.poll(started, { timeout: 10_000 }).toBeDefined();
    await server.store.backgroundTasks.fail((await started())!, 'the database went away');
    const run = await running;
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^switchyard: recover qtask_\w+ failed: the database went away$/m);
    expect(run.stdout).toBe('');
  });
});
