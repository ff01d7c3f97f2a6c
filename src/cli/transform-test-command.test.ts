import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSwitchyard } from './testing.ts';

const SEEDS = fileURLToPath(new URL('../../../shared/seeds/transformations/', import.meta.url));
const seed = (name: string) => path.join(SEEDS, name);

describe('switchyard transform test', () => {
  let dir: string;
  const write = async (name: string, content: string) => {
    const file = path.join(dir, name);
    await writeFile(file, content);
    return file;
  };
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'switchyard-transform-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("prints the request a seed makes of the event's catalog example", async () => {
    const run = await runSwitchyard([
      'transform',
      'test',
      seed('segment-track-payment.js'),
      '--event',
      'payment.succeeded',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const [requestLine, , ...body] = run.stdout.trimEnd().split('\n');
    expect(requestLine).toBe('POST https://api.segment.io/v1/track');
    expect(JSON.parse(body.join('\n'))).toMatchObject({
      userId: 'cus_pfJBd0Kh8oOOL8dKLzdoc',
      event: 'Payment Completed',
      properties: { amount: '29.99', currency: 'USD', payment_id: 'pay_2IjeQm4hqU6RGzjvdbzsS' },
    });
  });

  it("with --connector, passes the connector's contract and shows the idempotency key delivery adds", async () => {
    const run = await runSwitchyard([
      'transform',
      'test',
      seed('segment-track-payment.js'),
      '--event',
      'payment.succeeded',
      '--connector',
      'segment',
      '--json',
    ]);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({ cancelled: false, error: null, warnings: [] });
    expect(result.request.payload.messageId).toEqual(expect.any(String));
  });

  it("prints the contract warning for the original Customer.io seed's action, and exits 1", async () => {
    const run = await runSwitchyard([
      'transform',
      'test',
      seed('customerio-track-payment.js'),
      '--event',
      'payment.succeeded',
      '--connector',
      'customerio',
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^POST https:\/\/track\.customer\.io\/api\/v2\/entity\n/);
    expect(run.stdout).toContain(
      'contract warnings: Customer.io would refuse this request, so delivery would not send it:',
    );
    expect(run.stdout).toMatch(
      /payload\.action: "payment_completed" is not a Customer\.io action; send action "event"/,
    );
  });

  it('passes variables, a payload file and the endpoint URL, and prints the console and headers', async () => {
    const code = await write(
      'headers.js',
      `function handler(webhook) {
        console.log('plan', webhook.payload.data.plan);
        console.warn('to', webhook.url);
        webhook.headers['x-list'] = webhook.env.LIST;
        return webhook;
      }`,
    );
    const payload = await write('payload.json', JSON.stringify({ type: 'custom', data: { plan: 'pro' } }));
    const run = await runSwitchyard([
      'transform',
      'test',
      code,
      '--event',
      'custom.event',
      '--payload',
      payload,
      '--env',
      'LIST=abc=1',
      '--url',
      'https://merchant.example/hooks',
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('POST https://merchant.example/hooks\nx-list: abc=1\n');
    expect(run.stdout).toContain('console:\n  log   plan pro\n  warn  to https://merchant.example/hooks\n');
  });

  it('reports a thrown error with its line and exits 1; a cancellation exits 0', async () => {
    const throwing = await write(
      'throws.js',
      'function handler(webhook) {\n  throw new Error("no customer");\n}\n',
    );
    const failed = await runSwitchyard(['transform', 'test', throwing, '--event', 'payment.succeeded']);
    expect(failed.code).toBe(1);
    expect(failed.stdout).toMatch(
      /TransformationError: .*no customer \(line 2, column \d+\)\nnothing would be sent/,
    );

    const cancelling = await write(
      'cancels.js',
      'function handler(webhook) { webhook.cancel = true; return webhook; }',
    );
    const cancelled = await runSwitchyard(['transform', 'test', cancelling, '--event', 'payment.succeeded']);
    expect(cancelled.code).toBe(0);
    expect(cancelled.stdout).toBe('cancelled: nothing would be sent\n');
  });

  it('exits 2 for a missing file, an unknown connector or region, and an event type without example', async () => {
    const code = seed('segment-track-payment.js');
    const cases: [string[], RegExp][] = [
      [[path.join(dir, 'missing.js'), '--event', 'payment.succeeded'], /cannot read .*missing\.js: ENOENT/],
      [
        [code, '--event', 'payment.succeeded', '--connector', 'segmnt'],
        /no connector 'segmnt'; the connectors are segment, /,
      ],
      [
        [code, '--event', 'payment.succeeded', '--connector', 'segment', '--region', 'mars'],
        /--region must be one of us, eu/,
      ],
      [[code, '--event', 'custom.event'], /'custom\.event' is not an event type of the catalog/],
    ];
    for (const [args, message] of cases) {
      const run = await runSwitchyard(['transform', 'test', ...args]);
      expect({ args, code: run.code }).toEqual({ args, code: 2 });
      expect(run.stderr).toMatch(message);
    }
  });
});
