import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findEventType } from '../catalog/index.ts';
import { readPayload, type TransformationOutcome } from './contract.ts';
import { createSandbox, type Sandbox, type TransformCall } from './sandbox-pool.ts';

/**
 * Calls for one context travel and run in batches. A batch shares one isolate entry and one CPU budget, so
 * these cases make sure a limit still lands on the call that earned it and never on its neighbours.
 */

const EXAMPLE = findEventType('payment.succeeded')!.example;
const URL_ = 'https://receiver.example.com/hooks';

/** Misbehaves only for the webhook whose payload asks for it, so that one batch mixes good and bad calls. */
const MOODY = `function handler(webhook) {
  const mood = webhook.payload.mood;
  if (mood === 'loop') while (true) {}
  if (mood === 'bomb') { const hoard = []; while (true) hoard.push(new Array(1e6).fill(hoard.length + 0.5)); }
  if (mood === 'throw') throw new RangeError('bad mood');
  if (mood === 'big') webhook.payload = 'y'.repeat(900 * 1024);
  console.log('mood', mood);
  webhook.headers['x-mood'] = String(mood);
  return webhook;
}`;

function call(scope: string, mood: string, index: number): TransformCall {
  return {
    scope,
    code: MOODY,
    input: {
      eventType: 'payment.succeeded',
      payload: { ...EXAMPLE, mood, index },
      url: URL_,
      method: 'POST',
      headers: {},
      env: {},
      cancel: false,
    },
  };
}

function expectGood(outcome: TransformationOutcome, mood: string, index: number) {
  expect(outcome.kind, JSON.stringify(outcome).slice(0, 300)).toBe('request');
  if (outcome.kind !== 'request') return;
  expect(outcome.request.headers).toEqual({ 'x-mood': mood });
  expect(readPayload(outcome.request).payload).toMatchObject({ mood, index });
  expect(outcome.console).toEqual([{ level: 'log', message: `mood ${mood}` }]);
}

/** Sends `count` calls in one batch, the one at `at` in a bad mood: it alone fails, with `error`; the rest answer. */
async function expectOnlyOneToFail(
  target: Sandbox,
  scope: string,
  batch: { count: number; at: number; mood: string; error: string },
) {
  const outcomes = await Promise.all(
    Array.from({ length: batch.count }, (_, i) =>
      target.transform(call(scope, i === batch.at ? batch.mood : 'calm', i)),
    ),
  );
  for (const [i, outcome] of outcomes.entries()) {
    if (i === batch.at) expect(outcome).toMatchObject({ kind: 'error', error: { name: batch.error } });
    else expectGood(outcome, 'calm', i);
  }
}

let sandbox: Sandbox;

const sandboxWithTimeLimit = (timeoutMs: number) =>
  createSandbox({
    processes: 1,
    timeoutMs,
    memoryLimitMb: 64,
    maxCodeBytes: 64 * 1024,
    maxOutputBytes: 1024 * 1024,
  });

beforeAll(() => {
  sandbox = sandboxWithTimeLimit(200);
});

afterAll(async () => {
  await sandbox.close();
});

describe('batched calls', () => {
  it('each call of a batch gets its own outcome, console and order', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 300 }, (_, i) => sandbox.transform(call('tenant-order', `calm-${i}`, i))),
    );
    for (const [i, outcome] of outcomes.entries()) expectGood(outcome, `calm-${i}`, i);
  });

  it('a call that loops forever times out alone; the rest of its batch is answered', async () => {
    await expectOnlyOneToFail(sandbox, 'tenant-loop', {
      count: 40,
      at: 17,
      mood: 'loop',
      error: 'TimeoutError',
    });
    // The context is rebuilt and keeps working, one call at a time from now on.
    expectGood(await sandbox.transform(call('tenant-loop', 'calm', 99)), 'calm', 99);
  });

  it('a call that exhausts memory fails alone; the rest of its batch is answered', async () => {
    // The time limit runs on the clock: on a loaded machine the bomb could outlast 200 ms before it filled
    // 64 MB (regression: a TimeoutError in CI), so this sandbox leaves the memory limit to stop it.
    const roomy = sandboxWithTimeLimit(5_000);
    try {
      await expectOnlyOneToFail(roomy, 'tenant-bomb', {
        count: 20,
        at: 3,
        mood: 'bomb',
        error: 'MemoryLimitError',
      });
    } finally {
      await roomy.close();
    }
  });

  it('a throw is the throwing call’s error, with its line', async () => {
    const moods = ['calm', 'throw', 'calm'];
    const outcomes = await Promise.all(
      moods.map((mood, i) => sandbox.transform(call('tenant-throw', mood, i))),
    );
    expectGood(outcomes[0]!, 'calm', 0);
    expect(outcomes[1]).toMatchObject({
      kind: 'error',
      error: { name: 'TransformationError', message: 'RangeError: bad mood', line: 5 },
    });
    expectGood(outcomes[2]!, 'calm', 2);
  });

  it('large results in one batch are all delivered (the runtime splits the entry)', async () => {
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, (_, i) => sandbox.transform(call('tenant-big', 'big', i))),
    );
    for (const outcome of outcomes) {
      expect(outcome.kind).toBe('request');
      if (outcome.kind === 'request') expect(readPayload(outcome.request).payload).toHaveLength(900 * 1024);
    }
  });

  it('a payload given as stored JSON text reaches the handler as the same value', async () => {
    const text =
      '{"business_id": "bus_1", "type": "payment.succeeded", "data": {"amount": 1.50, "note": "é😀"}}';
    const outcome = await sandbox.transform({
      scope: 'tenant-text',
      code: 'function handler(webhook) { webhook.payload = { seen: webhook.payload, keys: Object.keys(webhook) }; return webhook; }',
      input: {
        eventType: 'payment.succeeded',
        payloadJson: text,
        url: URL_,
        method: 'POST',
        headers: {},
        env: { REGION: 'eu' },
        cancel: false,
      },
    });
    expect(outcome.kind).toBe('request');
    if (outcome.kind !== 'request') return;
    expect(JSON.parse(outcome.request.payloadJson)).toEqual({
      seen: JSON.parse(text),
      keys: ['eventType', 'payload', 'url', 'method', 'headers', 'env', 'cancel'],
    });
  });
});
