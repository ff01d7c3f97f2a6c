import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findEventType } from '../catalog/index.ts';
import { startTestServer, type TestServer, testServerDrivers } from '../server/testing.ts';
import { runSwitchyard } from './testing.ts';

describe.each(testServerDrivers())('switchyard send on %s', (driver) => {
  let server: TestServer;
  let dir: string;
  let appId: string;
  const client = () => ['--url', server.url, '--token', server.operatorTokenValue];

  beforeAll(async () => {
    server = await startTestServer(driver, { SWITCHYARD_WORKER: 'false' });
    dir = await mkdtemp(path.join(tmpdir(), 'switchyard-send-'));
    appId = (await server.store.apps.create({ name: 'Acme', uid: 'acme' })).id;
  });
  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("posts the catalog example of an event type and prints the message's id", async () => {
    const run = await runSwitchyard(['send', 'payment.succeeded', '--app', 'acme', ...client()]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const id = /^sent payment\.succeeded to acme: (msg_\w+)$/.exec(run.stdout.trim())?.[1];
    expect(id).toBeDefined();
    const message = await server.store.messages.find(appId, id!);
    expect(message?.payload).toEqual(findEventType('payment.succeeded')!.example);
  });

  it('posts a payload file, or standard input, with an event id, and prints JSON', async () => {
    const payload = { type: 'refund.succeeded', data: { refund_id: 'ref_1' } };
    const file = path.join(dir, 'refund.json');
    await writeFile(file, JSON.stringify(payload));
    const run = await runSwitchyard([
      'send',
      'refund.succeeded',
      '--app',
      appId,
      '--payload',
      file,
      '--event-id',
      'refund-1',
      '--json',
      ...client(),
    ]);
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as { id: string; eventId: string };
    expect(out.eventId).toBe('refund-1');
    expect((await server.store.messages.find(appId, out.id))?.payload).toEqual(payload);

    const piped = await runSwitchyard(
      ['send', 'custom.thing', '--app', 'acme', '--payload', '-', ...client()],
      {},
      {
        input: JSON.stringify({ hello: 'world' }),
      },
    );
    expect(piped.code).toBe(0);
    const id = /(msg_\w+)/.exec(piped.stdout)![1]!;
    expect((await server.store.messages.find(appId, id))?.payload).toEqual({ hello: 'world' });
  });

  it("takes the server and token from a configuration file's SWITCHYARD_URL and SWITCHYARD_TOKEN", async () => {
    const config = path.join(dir, 'client.json');
    await writeFile(
      config,
      JSON.stringify({ SWITCHYARD_URL: server.url, SWITCHYARD_TOKEN: server.operatorTokenValue }),
    );
    const run = await runSwitchyard(['send', 'payment.failed', '--app', 'acme', '--config', config]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^sent payment\.failed to acme: msg_/);
  });

  it("exits 1 with the API's problem title and detail, without a stack trace", async () => {
    const run = await runSwitchyard(['send', 'payment.succeeded', '--app', 'nobody', ...client()]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^switchyard: 404 Not Found: .*Application/);
    expect(run.stderr).not.toMatch(/\n\s+at /);

    const unauthorized = await runSwitchyard([
      'send',
      'payment.succeeded',
      '--app',
      'acme',
      '--url',
      server.url,
      '--token',
      'sy_admin_wrong_wrong_wrong_wrong_wrong',
    ]);
    expect(unauthorized.code).toBe(1);
    expect(unauthorized.stderr).toMatch(/^switchyard: 401 Unauthorized/);
  });

  it('exits 1 when Switchyard cannot be reached, and 2 for what it cannot send', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const down = await runSwitchyard([
      'send',
      'payment.succeeded',
      '--app',
      'acme',
      '--url',
      `http://127.0.0.1:${port}`,
      '--token',
      server.operatorTokenValue,
    ]);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(
      new RegExp(`cannot reach Switchyard at http://127\\.0\\.0\\.1:${port}: ECONNREFUSED`),
    );

    const unknown = await runSwitchyard(['send', 'custom.thing', '--app', 'acme', ...client()]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/'custom\.thing' is not an event type of the catalog.*--payload/);

    const ftp = await runSwitchyard([
      'send',
      'payment.succeeded',
      '--app',
      'acme',
      '--url',
      'ftp://127.0.0.1',
    ]);
    expect(ftp.code).toBe(2);
    expect(ftp.stderr).toMatch(/--url must be an http:\/\/ or https:\/\/ URL, not ftp:\/\/127\.0\.0\.1/);

    const broken = path.join(dir, 'broken.json');
    await writeFile(broken, '{"type":');
    const notJson = await runSwitchyard(['send', 'x.y', '--app', 'acme', '--payload', broken, ...client()]);
    expect(notJson.code).toBe(2);
    expect(notJson.stderr).toMatch(/broken\.json is not valid JSON/);
  });
});
