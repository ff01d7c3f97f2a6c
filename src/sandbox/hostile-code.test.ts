import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { peakRssMb } from '../bench/bench-tools.ts';
import { findEventType } from '../catalog/index.ts';
import {
  readPayload,
  type TransformationErrorName,
  type TransformationOutcome,
  type WebhookInput,
} from './contract.ts';
import { createSandbox, type Sandbox, type SandboxOptions, sandboxProcessOf } from './sandbox-pool.ts';

/**
 * Hostile transformations: each one fails with a clear, typed error (or has a harmless, exact outcome), the
 * host survives it, the attacker's own tenant recovers, and other tenants are answered while it runs, on the
 * attacker's sandbox process and on the other one.
 */

const EXAMPLE = findEventType('payment.succeeded')!.example;
const URL_ = 'https://receiver.example.com/hooks';

function input(overrides: Partial<WebhookInput> = {}): WebhookInput {
  return {
    eventType: 'payment.succeeded',
    payload: structuredClone(EXAMPLE),
    url: URL_,
    method: 'POST',
    headers: {},
    env: { REGION: 'eu' },
    cancel: false,
    ...overrides,
  };
}

const BENIGN = `function handler(webhook) {
  webhook.headers['x-tenant'] = 'benign';
  return webhook;
}`;

function expectBenign(outcome: TransformationOutcome) {
  expect(outcome.kind).toBe('request');
  if (outcome.kind !== 'request') return;
  expect(readPayload(outcome.request)).toEqual({
    method: 'POST',
    url: URL_,
    headers: { 'x-tenant': 'benign' },
    payload: EXAMPLE,
  });
}

function expectError(outcome: TransformationOutcome, name: TransformationErrorName, message: RegExp) {
  expect(outcome.kind, JSON.stringify(outcome).slice(0, 500)).toBe('error');
  if (outcome.kind !== 'error') return;
  expect(outcome.error.name, outcome.error.message).toBe(name);
  expect(outcome.error.message).toMatch(message);
}

function expectRequest(outcome: TransformationOutcome) {
  expect(outcome.kind, JSON.stringify(outcome).slice(0, 500)).toBe('request');
  if (outcome.kind !== 'request') throw new Error('unreachable');
  return readPayload(outcome.request);
}

function scopeOn(prefix: string, code: string, slot: number, processes = 2): string {
  for (let i = 0; ; i++) {
    const scope = `${prefix}-${i}`;
    if (sandboxProcessOf(scope, code, processes) === slot) return scope;
  }
}

/** The sandbox processes this test process has forked (Linux: every thread's children). */
function sandboxChildren(): Set<number> {
  const pids = new Set<number>();
  for (const task of readdirSync(`/proc/${process.pid}/task`)) {
    let text = '';
    try {
      text = readFileSync(`/proc/${process.pid}/task/${task}/children`, 'utf8');
    } catch {
      continue;
    }
    for (const pid of text.split(/\s+/).filter(Boolean).map(Number)) {
      try {
        if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('sandbox-process.ts')) pids.add(pid);
      } catch {
        // exited meanwhile
      }
    }
  }
  return pids;
}

async function createWatched(options: SandboxOptions): Promise<{ sandbox: Sandbox; pid: () => number }> {
  const before = sandboxChildren();
  const sandbox = createSandbox(options);
  expectBenign(await sandbox.transform({ scope: 'warm-up', code: BENIGN, input: input() }));
  const mine = () => {
    const pids = [...sandboxChildren()].filter((pid) => !before.has(pid));
    expect(pids).toHaveLength(1);
    return pids[0]!;
  };
  return { sandbox, pid: mine };
}

const LIMITS = { memoryLimitMb: 64, maxCodeBytes: 16_384, maxOutputBytes: 10_000 };

type Check = (outcome: TransformationOutcome) => void;
const fails =
  (name: TransformationErrorName, message: RegExp): Check =>
  (outcome) =>
    expectError(outcome, name, message);

/** The attack changed nothing: the webhook went through as the handler returned it. */
const passesThrough: Check = (outcome) => {
  expect(expectRequest(outcome)).toEqual({ method: 'POST', url: URL_, headers: {}, payload: EXAMPLE });
};

interface HostileCase {
  name: string;
  code: string;
  check: Check;
  /** 'roomy' has a 2 s CPU limit, so that the memory limit, not the clock, ends a memory bomb. */
  sandbox?: 'strict' | 'roomy';
  input?: WebhookInput;
}

const NOT_FROM_STRINGS = /^EvalError: generating code from strings is not allowed in transformations$/;

const cases: HostileCase[] = [
  // CPU
  {
    name: 'infinite loop in the handler',
    code: 'function handler(webhook) { while (true) {} }',
    check: fails('TimeoutError', /ran past its CPU time limit/),
  },
  {
    name: 'infinite loop at the top level, outside the handler',
    code: 'while (true) {}\nfunction handler(webhook) { return webhook; }',
    check: fails('TimeoutError', /ran past its CPU time limit/),
  },
  {
    name: 'infinite loop in a microtask queued by the handler',
    code: 'function handler(webhook) { Promise.resolve().then(() => { while (true) {} }); return webhook; }',
    check: fails('TimeoutError', /ran past its CPU time limit/),
  },
  {
    name: 'catastrophic regex backtracking',
    code: "function handler(webhook) { /(a+)+$/.test('a'.repeat(40) + '!'); return webhook; }",
    check: fails('TimeoutError', /ran past its CPU time limit/),
  },
  {
    name: 'deep recursion (stack overflow)',
    code: 'function handler(webhook) { const f = (n) => f(n + 1) + 1; return f(0); }',
    check: (outcome) => {
      expectError(outcome, 'TransformationError', /^RangeError: Maximum call stack size exceeded$/);
      expect(outcome).toMatchObject({ error: { line: 1 } });
    },
  },
  // Memory
  {
    name: 'memory bomb: ever-growing arrays',
    sandbox: 'roomy',
    code: 'function handler(webhook) { const keep = []; while (true) keep.push(new Array(1e5).fill(1.5)); }',
    check: fails('MemoryLimitError', /used more than 64 MB/),
  },
  {
    name: 'memory bomb: ever more distinct, flat 1 MB strings',
    sandbox: 'roomy',
    // toUpperCase makes a flat copy; a bare repeat or concatenation would only share a rope.
    code: "function handler(webhook) { const keep = []; while (true) keep.push((keep.length + 'x'.repeat(1 << 20)).toUpperCase()); }",
    check: fails('MemoryLimitError', /used more than 64 MB/),
  },
  {
    name: "huge string: 'x'.repeat(2 ** 28) as the payload",
    sandbox: 'roomy',
    code: "function handler(webhook) { webhook.payload = 'x'.repeat(2 ** 28); return webhook; }",
    check: fails('MemoryLimitError', /used more than 64 MB/),
  },
  {
    name: 'string doubling up to V8’s maximum string length',
    code: "function handler(webhook) { let s = 'x'; while (true) s = s + s; }",
    check: fails('TransformationError', /^RangeError: Invalid string length$/),
  },
  // Escapes: code from strings, host objects
  {
    name: "escape via this.constructor.constructor('return process')()",
    code: "function handler(webhook) { webhook.payload = this.constructor.constructor('return process')(); return webhook; }",
    check: fails('TransformationError', NOT_FROM_STRINGS),
  },
  {
    name: "escape via handler.constructor('return this')()",
    code: "function handler(webhook) { webhook.payload = String(handler.constructor('return this')()); return webhook; }",
    check: fails('TransformationError', NOT_FROM_STRINGS),
  },
  {
    name: 'escape via (async function () {}).constructor',
    code: "function handler(webhook) { const F = (async function () {}).constructor; F('return 1'); return webhook; }",
    check: fails('TransformationError', NOT_FROM_STRINGS),
  },
  {
    name: 'escape via Object.getPrototypeOf(function* () {}).constructor',
    code: "function handler(webhook) { const G = Object.getPrototypeOf(function* () {}).constructor; G('yield 1'); return webhook; }",
    check: fails('TransformationError', NOT_FROM_STRINGS),
  },
  {
    name: "eval('1+1')",
    code: "function handler(webhook) { webhook.payload = eval('1+1'); return webhook; }",
    check: fails('TransformationError', /^TypeError: eval is not a function$/),
  },
  {
    name: "new Function('return 1')",
    code: "function handler(webhook) { webhook.payload = new Function('return 1')(); return webhook; }",
    check: fails('TransformationError', /^TypeError: Function is not a constructor$/),
  },
  {
    name: 'globalThis.process.env',
    code: 'function handler(webhook) { webhook.payload = globalThis.process.env; return webhook; }',
    check: fails('TransformationError', /^TypeError: Cannot read properties of undefined \(reading 'env'\)$/),
  },
  {
    name: 'no host or platform globals are reachable (harmless: all undefined)',
    code: `function handler(webhook) {
  const names = ['process', 'require', 'module', 'Buffer', 'setTimeout', 'setInterval', 'setImmediate', 'fetch',
    'WebAssembly', 'SharedArrayBuffer', 'Atomics', 'eval', 'Function', 'XMLHttpRequest', 'Deno', 'Bun'];
  webhook.payload = Object.fromEntries(names.map((name) => [name, typeof globalThis[name]]));
  return webhook;
}`,
    check: (outcome) => {
      const values = Object.values(expectRequest(outcome).payload as Record<string, string>);
      expect(values).toHaveLength(16);
      expect(new Set(values)).toEqual(new Set(['undefined']));
    },
  },
  {
    name: "require('fs')",
    code: "function handler(webhook) { webhook.payload = require('fs').readFileSync('/etc/passwd', 'utf8'); return webhook; }",
    check: fails('TransformationError', /^ReferenceError: require is not defined$/),
  },
  {
    name: "dynamic import('fs') in the handler (a promise, rejected)",
    code: "function handler(webhook) { import('fs').then((fs) => fs.readFileSync('/etc/passwd')); return webhook; }",
    check: fails(
      'TransformationError',
      /^a promise was rejected and not handled: Error: Not supported \(import\(\) is not available in transformations\)$/,
    ),
  },
  {
    name: "dynamic import('fs') at the top level",
    code: "import('fs');\nfunction handler(webhook) { return webhook; }",
    check: fails('TransformationError', /import\(\) is not available in transformations/),
  },
  {
    name: 'WebAssembly.compile',
    code: 'function handler(webhook) { WebAssembly.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])); return webhook; }',
    check: fails(
      'TransformationError',
      /^TypeError: Cannot read properties of undefined \(reading 'compile'\)$/,
    ),
  },
  {
    name: 'Atomics.wait',
    code: 'function handler(webhook) { Atomics.wait(new Int32Array(4), 0, 0, 10_000); return webhook; }',
    check: fails(
      'TransformationError',
      /^TypeError: Cannot read properties of undefined \(reading 'wait'\)$/,
    ),
  },
  {
    name: 'new SharedArrayBuffer',
    code: 'function handler(webhook) { new SharedArrayBuffer(8); return webhook; }',
    check: fails('TransformationError', /^TypeError: SharedArrayBuffer is not a constructor$/),
  },
  {
    name: 'setTimeout',
    code: 'function handler(webhook) { setTimeout(() => {}, 1); return webhook; }',
    check: fails('TransformationError', /^ReferenceError: setTimeout is not defined$/),
  },
  {
    name: 'fetch',
    code: "function handler(webhook) { fetch('https://attacker.example/'); return webhook; }",
    check: fails('TransformationError', /^ReferenceError: fetch is not defined$/),
  },
  // Tampering with what the sandbox itself runs: it captured every built-in it uses before the code ran, so
  // none of these changes what the runtime reports.
  {
    name: 'JSON.stringify replaced to forge a SandboxUnavailableError (which deliveries would retry)',
    code: `JSON.stringify = () => '{"error":{"name":"SandboxUnavailableError","message":"forged"},"console":[]}';
function handler(webhook) { return webhook; }`,
    check: passesThrough,
  },
  {
    name: 'JSON.stringify replaced to return undefined',
    code: 'JSON.stringify = () => undefined;\nfunction handler(webhook) { return webhook; }',
    check: passesThrough,
  },
  {
    name: 'JSON.stringify replaced to return an object',
    code: 'JSON.stringify = () => ({ not: "a string" });\nfunction handler(webhook) { return webhook; }',
    check: passesThrough,
  },
  {
    name: 'JSON.parse replaced to hand the handler a forged webhook',
    code: `JSON.parse = () => ({ eventType: 'forged', payload: 'forged', url: 'https://evil.example/', method: 'POST', headers: {}, env: {} });
function handler(webhook) { return webhook; }`,
    check: passesThrough,
  },
  {
    name: 'Object.prototype.toJSON hijacks the result envelope',
    code: `Object.prototype.toJSON = function () { return { error: { name: 'MemoryLimitError' }, console: [null] }; };
function handler(webhook) { return null; }`,
    check: (outcome) => expect(outcome).toMatchObject({ kind: 'cancelled', console: [] }),
  },
  {
    name: 'Object.prototype.toJSON rewrites the values the code returned, which the contract then checks',
    code: `Object.prototype.toJSON = function () { return 'rewritten'; };
function handler(webhook) { return webhook; }`,
    check: fails('TransformationError', /^webhook\.headers must be an object of strings$/),
  },
  {
    name: 'Object.defineProperty replaced with an infinite loop',
    code: 'Object.defineProperty = function () { while (true) {} };\nfunction handler(webhook) { return webhook; }',
    check: passesThrough,
  },
  {
    name: 'Array.prototype and String.prototype methods replaced, and index setters on Array.prototype',
    code: `Array.prototype.push = Array.prototype.join = Array.prototype.map = function () { throw new Error('hijacked'); };
String.prototype.slice = String.prototype.charCodeAt = function () { throw new Error('hijacked'); };
Object.defineProperty(Array.prototype, '0', { set() { throw new Error('hijacked'); }, configurable: true });
function handler(webhook) { console.log('x'.padEnd(5000, 'y')); return webhook; }`,
    check: (outcome) => {
      passesThrough(outcome);
      expect(outcome.console).toEqual([{ level: 'log', message: `x${'y'.repeat(1999)}…` }]);
    },
  },
  {
    name: 'reaching for the console store, then flooding the console with bad values',
    code: `function handler(webhook) {
  if (globalThis.__switchyard_console !== undefined) throw new Error('the console store is reachable');
  for (let i = 0; i < 5000; i++) console.log({ i }, Symbol('s'), () => 1, 10n);
  return webhook;
}`,
    check: (outcome) => {
      passesThrough(outcome);
      expect(outcome.console).toHaveLength(100);
      expect(outcome.console[0]).toEqual({ level: 'log', message: '{"i":0} Symbol(s) () => 1 10' });
      expect(outcome.console[99]).toEqual({ level: 'log', message: '[console output truncated]' });
    },
  },
  // Reading the result: getters, toJSON, proxies
  {
    name: 'a getter on url that throws',
    code: "function handler(webhook) { return { get url() { throw new Error('url getter exploded'); }, method: 'POST', payload: 1 }; }",
    check: fails('TransformationError', /^Error: url getter exploded$/),
  },
  {
    name: 'a getter on url that loops forever',
    code: "function handler(webhook) { return { get url() { while (true) {} }, method: 'POST', payload: 1 }; }",
    check: fails('TimeoutError', /ran past its CPU time limit/),
  },
  {
    name: 'a getter on url that returns a value (harmless: read inside the sandbox)',
    code: "function handler(webhook) { return { get url() { return 'https://getter.example.com/x'; }, method: 'PUT', payload: { ok: true } }; }",
    check: (outcome) => {
      expect(expectRequest(outcome)).toEqual({
        method: 'PUT',
        url: 'https://getter.example.com/x',
        headers: {},
        payload: { ok: true },
      });
    },
  },
  {
    name: 'toJSON returning a huge string',
    code: "function handler(webhook) { webhook.payload = { toJSON() { return 'x'.repeat(1_000_000); } }; return webhook; }",
    check: fails('OutputTooLargeError', /result is over 10000 bytes/),
  },
  {
    name: 'multi-byte characters count as bytes, not as characters',
    code: "function handler(webhook) { webhook.payload = '€'.repeat(4000); return webhook; }",
    check: fails('OutputTooLargeError', /result is over 10000 bytes/),
  },
  {
    name: 'toJSON that throws',
    code: "function handler(webhook) { webhook.payload = { toJSON() { throw new Error('toJSON exploded'); } }; return webhook; }",
    check: fails('TransformationError', /^Error: toJSON exploded$/),
  },
  {
    name: 'a Proxy as the returned object, with a get trap that throws',
    code: "function handler(webhook) { return new Proxy(webhook, { get() { throw new Error('get trap exploded'); } }); }",
    check: fails('TransformationError', /^Error: get trap exploded$/),
  },
  {
    name: 'a Proxy as the returned object, with a get trap that loops',
    code: 'function handler(webhook) { return new Proxy(webhook, { get() { while (true) {} } }); }',
    check: fails('TimeoutError', /ran past its CPU time limit/),
  },
  {
    name: 'a Proxy as the payload, with an ownKeys trap that throws',
    code: "function handler(webhook) { webhook.payload = new Proxy({ a: 1 }, { ownKeys() { throw new Error('ownKeys trap exploded'); } }); return webhook; }",
    check: fails('TransformationError', /^Error: ownKeys trap exploded$/),
  },
  {
    name: 'a Proxy as the payload, with traps that answer (harmless: serialized as plain JSON)',
    code: `function handler(webhook) {
  webhook.payload = new Proxy({}, {
    get: (target, key) => (key === 'toJSON' ? undefined : 'v-' + String(key)),
    ownKeys: () => ['a', 'b'],
    getOwnPropertyDescriptor: () => ({ value: 'ignored', enumerable: true, configurable: true }),
  });
  return webhook;
}`,
    check: (outcome) => expect(expectRequest(outcome).payload).toEqual({ a: 'v-a', b: 'v-b' }),
  },
  // Values JSON cannot carry
  {
    name: 'a cyclic payload',
    code: 'function handler(webhook) { webhook.payload.self = webhook.payload; return webhook; }',
    check: fails('TransformationError', /circular/i),
  },
  {
    name: 'a Symbol as the url',
    code: "function handler(webhook) { webhook.url = Symbol('https://attacker.example'); return webhook; }",
    check: fails('TransformationError', /^webhook\.url must be a string$/),
  },
  {
    name: 'a BigInt in the payload',
    code: 'function handler(webhook) { webhook.payload.amount = 10n ** 30n; return webhook; }',
    check: fails('TransformationError', /^TypeError: Do not know how to serialize a BigInt$/),
  },
  // Odd throws
  {
    name: 'throw "a string"',
    code: "function handler(webhook) { throw 'a string'; }",
    check: fails('TransformationError', /^threw a non-Error value: a string$/),
  },
  {
    name: "throw { message: 'obj' }",
    code: "function handler(webhook) { throw { message: 'obj' }; }",
    check: fails('TransformationError', /^threw a non-Error value: \{"message":"obj"\}$/),
  },
  {
    name: 'throw null',
    code: 'function handler(webhook) { throw null; }',
    check: fails('TransformationError', /^threw a non-Error value: null$/),
  },
  {
    name: 'throw undefined',
    code: 'function handler(webhook) { throw undefined; }',
    check: fails('TransformationError', /^threw a non-Error value: undefined$/),
  },
  {
    name: 'throw null at the top level',
    code: 'throw null;\nfunction handler(webhook) { return webhook; }',
    check: fails('TransformationError', /^the code threw a non-Error value: null$/),
  },
  {
    name: 'throw undefined at the top level',
    code: 'throw undefined;\nfunction handler(webhook) { return webhook; }',
    check: fails('TransformationError', /^the code threw a non-Error value: undefined$/),
  },
  {
    name: 'Promise.reject(null), never handled',
    code: 'function handler(webhook) { Promise.reject(null); return webhook; }',
    check: fails('TransformationError', /^a promise was rejected and not handled: a non-Error value: null$/),
  },
  {
    name: "a rejection that claims 'memory limit' does not pass for one",
    code: "function handler(webhook) { Promise.reject('Isolate was disposed during execution due to memory limit'); return webhook; }",
    check: fails(
      'TransformationError',
      /^a promise was rejected and not handled: a non-Error value: Isolate was/,
    ),
  },
  // Async
  {
    name: 'async function handler',
    code: 'async function handler(webhook) { return webhook; }',
    check: fails(
      'TransformationError',
      /^TypeError: handler must return the webhook, not a Promise: async code/,
    ),
  },
  {
    name: 'async function handler that throws',
    code: "async function handler(webhook) { throw new Error('async boom'); }",
    check: fails('TransformationError', /^a promise was rejected and not handled: Error: async boom$/),
  },
  {
    name: 'handler returning a Promise',
    code: 'function handler(webhook) { return Promise.resolve(webhook); }',
    check: fails('TransformationError', /^TypeError: handler must return the webhook, not a Promise/),
  },
  // The webhook's read-only parts
  {
    name: 'writing webhook.eventType in sloppy mode (ignored)',
    code: "function handler(webhook) { webhook.eventType = 'refund.succeeded'; webhook.headers['x-event'] = webhook.eventType; return webhook; }",
    check: (outcome) => expect(expectRequest(outcome).headers).toEqual({ 'x-event': 'payment.succeeded' }),
  },
  {
    name: "writing webhook.eventType under 'use strict' (TypeError)",
    code: "'use strict';\nfunction handler(webhook) { webhook.eventType = 'refund.succeeded'; return webhook; }",
    check: (outcome) => {
      expectError(
        outcome,
        'TransformationError',
        /^TypeError: Cannot assign to read only property 'eventType' of object '#<Object>'$/,
      );
      expect(outcome).toMatchObject({ error: { line: 2 } });
    },
  },
  {
    name: 'mutating the frozen webhook.env in sloppy mode (ignored)',
    code: "function handler(webhook) { webhook.env.REGION = 'us'; webhook.env.EXTRA = 'x'; webhook.headers['x-region'] = webhook.env.REGION + ',' + webhook.env.EXTRA; return webhook; }",
    check: (outcome) => expect(expectRequest(outcome).headers).toEqual({ 'x-region': 'eu,undefined' }),
  },
  {
    name: "mutating the frozen webhook.env under 'use strict' (TypeError)",
    code: "'use strict';\nfunction handler(webhook) { webhook.env.REGION = 'us'; return webhook; }",
    check: fails('TransformationError', /^TypeError: Cannot assign to read only property 'REGION'/),
  },
  // The request the code asks for
  ...['webhook-signature', 'Host', 'content-length', 'svix-id', 'Transfer-Encoding'].map((header) => ({
    name: `setting the forbidden header ${header}`,
    code: `function handler(webhook) { webhook.headers['${header}'] = '1'; return webhook; }`,
    check: fails('TransformationError', new RegExp(`^webhook\\.headers: '${header}' is set by Switchyard`)),
  })),
  {
    name: 'a header value with a line break (header injection)',
    code: "function handler(webhook) { webhook.headers['x-a'] = 'b\\r\\nx-injected: 1'; return webhook; }",
    check: fails('TransformationError', /^webhook\.headers\['x-a'\] must be a string without line breaks$/),
  },
  ...['DELETE', 'GET'].map((method) => ({
    name: `method ${method}`,
    code: `function handler(webhook) { webhook.method = '${method}'; return webhook; }`,
    check: fails(
      'TransformationError',
      new RegExp(`^webhook\\.method must be POST, PUT or PATCH, not "${method}"$`),
    ),
  })),
  {
    name: 'url file:///etc/passwd',
    code: "function handler(webhook) { webhook.url = 'file:///etc/passwd'; return webhook; }",
    check: fails('TransformationError', /^webhook\.url must be http:\/\/ or https:\/\/, not file:$/),
  },
  {
    name: 'url javascript:alert(1)',
    code: "function handler(webhook) { webhook.url = 'javascript:alert(1)'; return webhook; }",
    check: fails('TransformationError', /^webhook\.url must be http:\/\/ or https:\/\/, not javascript:$/),
  },
  // The code itself
  {
    name: 'code over maxCodeBytes',
    code: `function handler(webhook) { return webhook; }\n// ${'x'.repeat(16_384)}`,
    check: fails('CodeTooLargeError', /^the code is over 16384 bytes$/),
  },
  {
    name: 'no handler defined',
    code: 'function transform(webhook) { return webhook; }',
    check: fails('TransformationError', /must declare function handler\(webhook\)/),
  },
  {
    name: 'a syntax error',
    code: 'function handler(webhook) {\n  return webhook.\n}',
    check: (outcome) => {
      expectError(outcome, 'SyntaxError', /^Unexpected token '}'$/);
      expect(outcome).toMatchObject({ error: { line: 3 } });
    },
  },
  {
    name: 'console spam: 100k lines of 3000 characters',
    code: "function handler(webhook) { for (let i = 0; i < 100_000; i++) console.log('line', i, 'y'.repeat(3000)); return webhook; }",
    check: (outcome) => {
      // The console is bounded, and does not count against the result's size.
      expectRequest(outcome);
      expect(outcome.console).toHaveLength(100);
      expect(outcome.console[0]!.message).toMatch(/^line 0 y{1900}/);
      expect(outcome.console.at(-1)).toEqual({ level: 'log', message: '[console output truncated]' });
      for (const line of outcome.console) expect(line.message.length).toBeLessThanOrEqual(2001);
    },
  },
];

describe('hostile transformations', () => {
  let strict: Sandbox;
  let roomy: Sandbox;

  beforeAll(() => {
    strict = createSandbox({ processes: 2, timeoutMs: 100, ...LIMITS });
    roomy = createSandbox({ processes: 2, timeoutMs: 2000, ...LIMITS });
  });

  afterAll(async () => {
    await Promise.all([strict?.close(), roomy?.close()]);
  });

  it('has a case for every attack the suite covers', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  it.each(cases.map((c, index) => [c.name, c, index] as const))('%s', async (_name, hostileCase, index) => {
    const sandbox = hostileCase.sandbox === 'roomy' ? roomy : strict;
    const restartsBefore = sandbox.restarts();
    const scope = `attacker-${index}`;
    const slot = sandboxProcessOf(scope, hostileCase.code, 2);
    // Two other tenants, one on the attacker's process and one on the other, called while the attack runs.
    const [outcome, neighbour, stranger] = await Promise.all([
      sandbox.transform({ scope, code: hostileCase.code, input: hostileCase.input ?? input() }),
      sandbox.transform({ scope: scopeOn(`neighbour-${index}`, BENIGN, slot), code: BENIGN, input: input() }),
      sandbox.transform({
        scope: scopeOn(`stranger-${index}`, BENIGN, 1 - slot),
        code: BENIGN,
        input: input(),
      }),
    ]);
    hostileCase.check(outcome);
    expectBenign(neighbour);
    expectBenign(stranger);
    // The host is alive, and the attacker's own tenant is answered again.
    expectBenign(await sandbox.transform({ scope, code: BENIGN, input: input() }));
    // No sandbox process died: the isolate absorbed it (a memory bomb replaces the isolate, not the process).
    expect(sandbox.restarts()).toBe(restartsBefore);
  });

  it('check() reports top-level attacks, and loads benign code', async () => {
    const [loop, nul, syntax, ok] = await Promise.all([
      strict.check('check-a', 'while (true) {}'),
      strict.check('check-b', 'throw null;'),
      strict.check('check-c', 'function handler(webhook) {'),
      strict.check('check-d', BENIGN),
    ]);
    expect(loop).toMatchObject({ name: 'TimeoutError', message: expect.stringMatching(/CPU time limit/) });
    expect(nul).toMatchObject({
      name: 'TransformationError',
      message: 'the code threw a non-Error value: null',
    });
    expect(syntax).toMatchObject({ name: 'SyntaxError', line: 1 });
    expect(ok).toBeNull();
    expect(strict.restarts()).toBe(0);
  });

  it('keeps globals per scope: a secret stored by one tenant is not seen by another running the same code', async () => {
    const code = `let last = null;
function handler(webhook) {
  webhook.headers['x-previous'] = String(last);
  last = webhook.payload.secret;
  return webhook;
}`;
    // Both tenants on one process, so only the context separates them.
    const a = scopeOn('leak-a', code, 0);
    const b = scopeOn('leak-b', code, 0);
    const call = (scope: string, secret: string) =>
      strict.transform({ scope, code, input: input({ payload: { secret } }) });
    expect(expectRequest(await call(a, 'secret-of-a')).headers['x-previous']).toBe('null');
    // The probe does see state: the same scope's next call reads what the last one stored.
    expect(expectRequest(await call(a, 'second-of-a')).headers['x-previous']).toBe('secret-of-a');
    expect(expectRequest(await call(b, 'secret-of-b')).headers['x-previous']).toBe('null');
    expect(expectRequest(await call(a, 'third-of-a')).headers['x-previous']).toBe('second-of-a');
  });
});

describe('isolation between sandbox processes, timed', () => {
  let sandbox: Sandbox;
  const TIMEOUT_MS = 1000;
  const LOOP = 'function handler(webhook) { while (true) {} }';

  beforeAll(async () => {
    sandbox = createSandbox({ processes: 2, timeoutMs: TIMEOUT_MS, ...LIMITS });
    // Warm both processes up, so that start-up time is not measured.
    await Promise.all(
      [0, 1].map(async (slot) =>
        expectBenign(
          await sandbox.transform({ scope: scopeOn('warm', BENIGN, slot), code: BENIGN, input: input() }),
        ),
      ),
    );
  });

  afterAll(async () => {
    await sandbox?.close();
  });

  it("a call on the loop's process answers right after the loop's timeout; one on the other process, long before", async () => {
    const loopScope = 'looper';
    const slot = sandboxProcessOf(loopScope, LOOP, 2);
    const timed = async (promise: Promise<TransformationOutcome>) => {
      const outcome = await promise;
      return { outcome, at: performance.now() };
    };
    const started = performance.now();
    const [loop, same, other] = await Promise.all([
      timed(sandbox.transform({ scope: loopScope, code: LOOP, input: input() })),
      timed(sandbox.transform({ scope: scopeOn('same', BENIGN, slot), code: BENIGN, input: input() })),
      timed(sandbox.transform({ scope: scopeOn('other', BENIGN, 1 - slot), code: BENIGN, input: input() })),
    ]);
    expectError(loop.outcome, 'TimeoutError', /CPU time limit/);
    expectBenign(same.outcome);
    expectBenign(other.outcome);
    const loopMs = loop.at - started;
    const sameMs = same.at - started;
    const otherMs = other.at - started;
    expect(loopMs).toBeGreaterThanOrEqual(TIMEOUT_MS * 0.95);
    // Same process: queued behind the loop, answered as soon as the loop is stopped.
    expect(sameMs).toBeGreaterThanOrEqual(TIMEOUT_MS * 0.95);
    expect(sameMs).toBeLessThan(loopMs + 300);
    // The other process: not held up at all.
    expect(otherMs).toBeLessThan(300);
    expect(otherMs).toBeLessThan(loopMs - 500);
    expect(sandbox.restarts()).toBe(0);
  });
});

describe('a sandbox process that dies or stops answering', () => {
  it('killed in the middle of a call: the call ends as SandboxUnavailableError and a new process takes over', async () => {
    const { sandbox, pid } = await createWatched({ processes: 1, timeoutMs: 3000, ...LIMITS });
    try {
      const victim = pid();
      const started = performance.now();
      const call = sandbox.transform({
        scope: 'hanging',
        code: 'function handler(webhook) { while (true) {} }',
        input: input(),
      });
      await new Promise((resolve) => setTimeout(resolve, 300));
      process.kill(victim, 'SIGKILL');
      expectError(await call, 'SandboxUnavailableError', /^the sandbox process stopped during the call$/);
      expect(performance.now() - started).toBeLessThan(2000);
      expect(sandbox.restarts()).toBe(1);
      expectBenign(await sandbox.transform({ scope: 'after', code: BENIGN, input: input() }));
      expect(pid()).not.toBe(victim);
    } finally {
      await sandbox.close();
    }
  });

  it('frozen (SIGSTOP): the watchdog kills it after the time limit plus its grace, and a new process takes over', async () => {
    const { sandbox, pid } = await createWatched({ processes: 1, timeoutMs: 100, ...LIMITS });
    try {
      const frozen = pid();
      process.kill(frozen, 'SIGSTOP');
      const started = performance.now();
      const outcome = await sandbox.transform({ scope: 'stuck', code: BENIGN, input: input() });
      const elapsed = performance.now() - started;
      expectError(outcome, 'SandboxUnavailableError', /^the sandbox process stopped during the call$/);
      expect(elapsed).toBeGreaterThanOrEqual(2000);
      expect(elapsed).toBeLessThan(5000);
      expect(sandbox.restarts()).toBe(1);
      expectBenign(await sandbox.transform({ scope: 'stuck', code: BENIGN, input: input() }));
      expect(pid()).not.toBe(frozen);
    } finally {
      await sandbox.close();
    }
  });

  it('regression: a frozen process was never replaced while new calls kept arriving', async () => {
    // Each new call used to be sent at once and to push the watchdog back by its own time limit.
    const { sandbox, pid } = await createWatched({ processes: 1, timeoutMs: 100, ...LIMITS });
    try {
      const frozen = pid();
      process.kill(frozen, 'SIGSTOP');
      const started = performance.now();
      const first = sandbox.transform({ scope: 'stuck', code: BENIGN, input: input() });
      let firstEnded = false;
      void first.then(() => {
        firstEnded = true;
      });
      const later: Promise<TransformationOutcome>[] = [];
      await new Promise((resolve) => setTimeout(resolve, 50));
      while (!firstEnded && performance.now() - started < 8000) {
        later.push(sandbox.transform({ scope: 'stuck', code: BENIGN, input: input() }));
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const elapsed = performance.now() - started;
      expectError(await first, 'SandboxUnavailableError', /^the sandbox process stopped during the call$/);
      expect(elapsed).toBeGreaterThanOrEqual(2000);
      expect(elapsed).toBeLessThan(5000);
      // The one call that reached the frozen process fails with it; the others wait for the next process.
      const [held, ...waited] = await Promise.all(later);
      expectError(held!, 'SandboxUnavailableError', /^the sandbox process stopped during the call$/);
      expect(waited.length).toBeGreaterThan(10);
      for (const outcome of waited) expectBenign(outcome);
      expect(sandbox.restarts()).toBe(1);
      expectBenign(await sandbox.transform({ scope: 'stuck', code: BENIGN, input: input() }));
      expect(pid()).not.toBe(frozen);
    } finally {
      await sandbox.close();
    }
  });
});

describe('a sandbox process under sustained load', () => {
  it('regression: spent inputs and outputs held its memory until a full collection', async () => {
    // Strings of 1 KiB or more crossed the isolate boundary as external strings, which V8 frees only in a
    // full collection: after these 300,000 calls the process had peaked at 660 MB.
    const { sandbox, pid } = await createWatched({ processes: 1, timeoutMs: 1000, ...LIMITS });
    try {
      const payloadJson = JSON.stringify(EXAMPLE);
      const call = { scope: 'load', code: BENIGN, input: { ...input(), payloadJson } };
      let ended = 0;
      const lane = async () => {
        while (ended < 300_000) {
          ended++;
          expect((await sandbox.transform(call)).kind).toBe('request');
        }
      };
      await Promise.all(Array.from({ length: 500 }, lane));
      const peakMb = peakRssMb(pid());
      expect(peakMb).toBeGreaterThan(0);
      expect(peakMb).toBeLessThan(200);
    } finally {
      await sandbox.close();
    }
  }, 60_000);
});
