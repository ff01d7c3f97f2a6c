import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventCatalog, findEventType } from '../catalog/index.ts';
import {
  readPayload,
  type TransformationOutcome,
  type TransformedRequest,
  type WebhookInput,
} from './contract.ts';
import { createSandbox, type Sandbox } from './sandbox-pool.ts';

/**
 * The six published Segment and Customer.io samples (Dodo's integration pages), run exactly as written: in the
 * sandbox, and in plain JavaScript in this process as the reference. CI clones the repository with `shared/`
 * beside it.
 */
const SEED_DIR = new URL('../../../shared/seeds/transformations/', import.meta.url);
const SEED_PATH = fileURLToPath(SEED_DIR);
const ENDPOINT_URL = 'https://merchant.example/hooks';
const SEGMENT_TRACK = 'https://api.segment.io/v1/track';
const SEGMENT_IDENTIFY = 'https://api.segment.io/v1/identify';
const CUSTOMERIO_ENTITY = 'https://track.customer.io/api/v2/entity';

/** Each sample, and the vendor URL it sends each handled event to. Everything else passes through. */
const SEEDS: Record<string, Record<string, string>> = {
  'customerio-customer-attributes.js': { 'payment.succeeded': CUSTOMERIO_ENTITY },
  'customerio-subscription-lifecycle.js': {
    'subscription.active': CUSTOMERIO_ENTITY,
    'subscription.cancelled': CUSTOMERIO_ENTITY,
  },
  'customerio-track-payment.js': { 'payment.succeeded': CUSTOMERIO_ENTITY },
  'segment-identify-customer.js': { 'payment.succeeded': SEGMENT_IDENTIFY },
  'segment-subscription-lifecycle.js': {
    'subscription.active': SEGMENT_TRACK,
    'subscription.cancelled': SEGMENT_TRACK,
  },
  'segment-track-payment.js': { 'payment.succeeded': SEGMENT_TRACK },
};
const SEED_FILES = Object.keys(SEEDS).sort();
/** The catalog examples every sample is compared on against plain JavaScript. */
const COMPARED_EVENTS = ['payment.succeeded', 'subscription.active', 'subscription.cancelled'];

function readSeed(file: string): string {
  if (!existsSync(SEED_PATH)) {
    throw new Error(
      `the seed transformations directory ${SEED_PATH} is missing: the acceptance samples must be checked out ` +
        'as shared/seeds/transformations/ beside the repository',
    );
  }
  const path = fileURLToPath(new URL(file, SEED_DIR));
  if (!existsSync(path)) throw new Error(`the seed transformation ${path} is missing`);
  return readFileSync(path, 'utf8');
}

function exampleOf(eventType: string) {
  const definition = findEventType(eventType);
  if (!definition) throw new Error(`${eventType} is not in the event catalog`);
  return definition.example;
}

function webhookFor(eventType: string): WebhookInput {
  return {
    eventType,
    payload: structuredClone(exampleOf(eventType)),
    url: ENDPOINT_URL,
    method: 'POST',
    headers: {},
    env: {},
    cancel: false,
  };
}

interface PlainResult {
  url: unknown;
  method: unknown;
  headers: unknown;
  payload: unknown;
}

/** The reference: the same file as plain JavaScript in this process, on its own deep copy of the input. */
function runPlain(code: string, input: WebhookInput): PlainResult {
  const handler = new Function(`${code}\nreturn handler;`)() as (webhook: WebhookInput) => PlainResult;
  return handler(structuredClone(input));
}

function requestOf(outcome: TransformationOutcome): TransformedRequest {
  if (outcome.kind !== 'request') {
    throw new Error(`expected a request, the sandbox returned ${JSON.stringify(outcome)}`);
  }
  expect(outcome.console).toEqual([]);
  return readPayload(outcome.request);
}

let sandbox: Sandbox;
const seeds = new Map<string, string>();

/** Read at run time, so that a missing directory fails each test with the reason (not a skip). */
function seedCode(file: string): string {
  let code = seeds.get(file);
  if (code === undefined) {
    code = readSeed(file);
    seeds.set(file, code);
  }
  return code;
}

beforeAll(() => {
  sandbox = createSandbox({
    processes: 1,
    timeoutMs: 1000,
    memoryLimitMb: 64,
    maxCodeBytes: 262144,
    maxOutputBytes: 1048576,
  });
});

afterAll(async () => {
  await sandbox?.close();
});

describe('the seed transformations directory', () => {
  it('exists beside the repository and holds exactly the six samples', () => {
    expect(
      existsSync(SEED_PATH),
      `${SEED_PATH} is missing: check out shared/seeds/transformations/ beside the repository`,
    ).toBe(true);
    const files = readdirSync(SEED_PATH)
      .filter((name) => name.endsWith('.js'))
      .sort();
    expect(files).toEqual(SEED_FILES);
  });

  it('every event a sample handles is in the catalog, and the compared events are', () => {
    const names = new Set(eventCatalog.map((definition) => definition.name));
    expect(names.size).toBe(48);
    for (const handled of Object.values(SEEDS)) {
      for (const eventType of Object.keys(handled)) expect(names.has(eventType)).toBe(true);
    }
    for (const eventType of COMPARED_EVENTS) expect(names.has(eventType)).toBe(true);
  });
});

describe.each(SEED_FILES)('%s', (file) => {
  const handled = SEEDS[file]!;
  const passThrough = eventCatalog
    .map((definition) => definition.name)
    .filter((eventType) => !Object.hasOwn(handled, eventType));

  it.each(COMPARED_EVENTS)(
    'gives the same request as plain JavaScript for the %s example',
    async (eventType) => {
      const code = seedCode(file);
      const input = webhookFor(eventType);
      const expected = runPlain(code, input);
      const request = requestOf(await sandbox.transform({ scope: `seeds:${file}`, code, input }));

      // The reference itself is what the sample says: vendor URL for handled events, pass-through otherwise.
      const vendorUrl = handled[eventType];
      if (vendorUrl !== undefined) {
        expect(expected.url).toBe(vendorUrl);
        expect(expected.payload).not.toEqual(exampleOf(eventType));
      } else {
        expect(expected.url).toBe(ENDPOINT_URL);
        expect(expected.payload).toStrictEqual(exampleOf(eventType));
      }
      expect(expected.method).toBe('POST');
      expect(expected.headers).toStrictEqual({});
      // Nothing in the reference is lost to JSON (undefined, functions), so strict equality is fair.
      expect(JSON.parse(JSON.stringify(expected.payload))).toStrictEqual(expected.payload);

      expect(request.method).toBe(expected.method);
      expect(request.url).toBe(expected.url);
      expect(request.url).toBe(vendorUrl ?? ENDPOINT_URL);
      expect(request.headers).toStrictEqual({});
      expect(request.payload).toStrictEqual(expected.payload);
    },
  );

  it.each(passThrough)('passes %s through unchanged to the endpoint', async (eventType) => {
    const code = seedCode(file);
    const input = webhookFor(eventType);
    const request = requestOf(await sandbox.transform({ scope: `seeds:${file}`, code, input }));
    expect(request).toStrictEqual({
      method: 'POST',
      url: ENDPOINT_URL,
      headers: {},
      payload: exampleOf(eventType),
    });
    const expected = runPlain(code, input);
    expect(expected.url).toBe(ENDPOINT_URL);
    expect(expected.payload).toStrictEqual(exampleOf(eventType));
  });

  it("runs the file's exact bytes: the handler's source text in the sandbox is the file", async () => {
    const code = seedCode(file);
    // Appended after the untouched sample: report the sample's own `handler` source text as the payload.
    const probe = `${code}\nvar seedHandler = handler;\nhandler = function (webhook) { webhook.payload = { source: seedHandler.toString() }; return webhook; };\n`;
    const request = requestOf(
      await sandbox.transform({
        scope: `seeds:probe:${file}`,
        code: probe,
        input: webhookFor('payment.succeeded'),
      }),
    );
    // The sample is one function declaration followed by a newline.
    expect(code.endsWith('}\n')).toBe(true);
    expect(request.payload).toStrictEqual({ source: code.slice(0, -1) });
  });
});

describe('source locations point into the sample as written', () => {
  const file = 'segment-track-payment.js';

  it('reports a SyntaxError injected at a known line and column', async () => {
    const lines = seedCode(file).split('\n');
    const lineIndex = lines.findIndex((line) => line.includes(`url = "${SEGMENT_TRACK}"`));
    expect(lineIndex).toBe(3);
    lines[lineIndex] = lines[lineIndex]!.replace('url =', 'url = =');
    const broken = lines.join('\n');
    const column = lines[lineIndex]!.indexOf('= "') + 1;
    expect(column).toBe(17);
    // Node's own parser agrees on where the error is.
    expect(() => new vm.Script(broken, { filename: 'transformation.js' })).toThrow(SyntaxError);

    const outcome = await sandbox.transform({
      scope: 'seeds:syntax',
      code: broken,
      input: webhookFor('payment.succeeded'),
    });
    expect(outcome).toMatchObject({
      kind: 'error',
      error: { name: 'SyntaxError', message: "Unexpected token '='", line: lineIndex + 1, column },
    });
    expect(await sandbox.check('seeds:syntax', broken)).toMatchObject({
      name: 'SyntaxError',
      line: lineIndex + 1,
      column,
    });
  });

  it('reports a runtime error in the unmodified sample at the same line and column as plain V8', async () => {
    const code = seedCode(file);
    const input = webhookFor('payment.succeeded');
    // An envelope without a customer: the sample reads `p . customer . customer_id`.
    const payload = structuredClone(exampleOf('payment.succeeded')) as { data: Record<string, unknown> };
    delete payload.data.customer;
    input.payload = payload;

    let stack = '';
    try {
      vm.runInNewContext(
        `${code}\nhandler(webhook);`,
        { webhook: structuredClone(input) },
        {
          filename: 'transformation.js',
        },
      );
    } catch (error) {
      stack = String((error as Error).stack);
    }
    const match = /transformation\.js:(\d+):(\d+)/.exec(stack);
    expect(match, `plain V8 should have thrown with a location, got: ${stack}`).not.toBeNull();
    const [line, column] = [Number(match![1]), Number(match![2])];
    expect(code.split('\n')[line - 1]).toBe('userId: p . customer . customer_id ,');

    const outcome = await sandbox.transform({ scope: `seeds:${file}`, code, input });
    expect(outcome).toMatchObject({
      kind: 'error',
      error: {
        name: 'TransformationError',
        message: "TypeError: Cannot read properties of undefined (reading 'customer_id')",
        line,
        column,
      },
    });
  });
});
