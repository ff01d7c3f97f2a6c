import { type ChildProcess, fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import {
  type ConsoleLine,
  isFailure,
  type SandboxRequest,
  type TransformationFailure,
  type TransformationOutcome,
  toTransformedRequest,
  type WebhookInput,
} from './contract.ts';
import { CALL_SEPARATOR, PAYLOAD_SEPARATOR } from './isolate-runtime.ts';
import type { WorkerBatch, WorkerBatchResult, WorkerReply, WorkerRequest } from './protocol.ts';

export interface SandboxOptions {
  /** Sandbox processes; calls for one scope and code always go to the same one. */
  processes: number;
  /** CPU time per call (and for the code's top level). */
  timeoutMs: number;
  memoryLimitMb: number;
  maxCodeBytes: number;
  maxOutputBytes: number;
}

export interface TransformCall {
  /** Who the code belongs to (an endpoint, or an app's test runs): contexts are never shared across scopes. */
  scope: string;
  code: string;
  /**
   * What the handler receives. The payload may come as `payloadJson` instead, JSON text as the database
   * stores it, which goes into the sandbox as it is rather than being parsed and encoded again.
   */
  input: Omit<WebhookInput, 'payload'> & ({ payload: unknown } | { payloadJson: string });
}

/**
 * The webhook as the sandbox process receives it: one JSON text, in the contract's key order, which the
 * handler sees as it is (the runtime hands it the parsed object).
 */
function encodeInput(input: TransformCall['input']): string {
  const { eventType, url, headers, env } = input;
  const payloadJson = 'payloadJson' in input ? input.payloadJson : (JSON.stringify(input.payload) ?? 'null');
  return `{"eventType":${JSON.stringify(eventType)},"payload":${payloadJson},"url":${JSON.stringify(url)},"method":"POST","headers":${objectJson(headers)},"env":${objectJson(env)},"cancel":false}`;
}

/** JSON for headers and env, which are nearly always empty (the worker's headers always are): `{}` at no cost. */
function objectJson(value: Record<string, unknown>): string {
  for (const _ in value) return JSON.stringify(value);
  return '{}';
}

export interface Sandbox {
  transform(call: TransformCall): Promise<TransformationOutcome>;
  /** Compiles without running: null when the code loads, else why not (syntax, top-level throw, size). */
  check(scope: string, code: string): Promise<TransformationFailure | null>;
  /** Sandbox processes restarted since start, after a crash or a hang. */
  restarts(): number;
  close(): Promise<void>;
}

const PROCESS_SCRIPT = fileURLToPath(new URL('./sandbox-process.ts', import.meta.url));
const SOURCE_ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** A process that exits sooner than this after starting is presumed unable to start. */
const QUICK_DEATH_MS = 1_000;
/** Beyond the calls' own limits, how long a process may stay silent before it is presumed stuck. */
const WATCHDOG_GRACE_MS = 2_000;
/**
 * Calls queued together leave in messages of about this many characters of input, so that the process starts
 * on the first while later ones are still being written, and no message needs a large buffer on either side.
 */
const MAX_MESSAGE_CHARS = 64 * 1024;
/**
 * Messages a process may hold unanswered: one it runs and one waiting, so that it never idles between them.
 * More would only fill the socket: writes then fail with EAGAIN and are polled for, which cost more CPU than
 * the calls' own hop, while the calls held back here join larger batches.
 */
const MAX_MESSAGES_IN_FLIGHT = 2;

interface PendingCall {
  key: string;
  code: string;
  /** The webhook as JSON; undefined to only compile. */
  input: string | undefined;
  timeoutMs: number;
  resolve: (outcome: TransformationOutcome) => void;
}

function failureOutcome(
  name: TransformationFailure['name'],
  message: string,
  durationMs = 0,
): TransformationOutcome {
  return { kind: 'error', error: { name, message, line: null, column: null }, console: [], durationMs };
}

/** An outcome's description as the isolate runtime (or the sandbox process) writes it. */
interface Description {
  request?: Record<string, unknown>;
  cancelled?: true;
  compiled?: true;
  error?: TransformationFailure;
  console: ConsoleLine[];
}

/** An outcome's description, read and checked against the contract; everything but the payload and the time. */
type Reading =
  | { kind: 'request'; request: Omit<SandboxRequest, 'payloadJson'>; console: ConsoleLine[] }
  | { kind: 'cancelled'; console: ConsoleLine[] }
  | { kind: 'error'; error: TransformationFailure; console: ConsoleLine[] };

/**
 * Most calls of a transformation describe the same request (same URL, method and headers, nothing printed):
 * each description is read and checked once. Readings are shared between outcomes, so they are frozen.
 */
const readings = new Map<string, Reading>();
const MAX_READINGS = 1_000;
const MAX_REMEMBERED_DESCRIPTION = 4 * 1024;

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const item of Object.values(value)) deepFreeze(item);
    Object.freeze(value);
  }
  return value;
}

function read(description: string): Reading {
  let reading = readings.get(description);
  if (reading) return reading;
  const raw = JSON.parse(description) as Description;
  const { console } = raw;
  if (raw.error) reading = { kind: 'error', error: raw.error, console };
  else if (!raw.request) reading = { kind: 'cancelled', console };
  else {
    const request = toTransformedRequest(raw.request);
    reading = isFailure(request)
      ? { kind: 'error', error: request, console }
      : { kind: 'request', request, console };
  }
  if (description.length <= MAX_REMEMBERED_DESCRIPTION) {
    if (readings.size >= MAX_READINGS) readings.clear();
    readings.set(description, deepFreeze(reading));
  }
  return reading;
}

const NO_PAYLOAD = failureOutcome('TransformationError', 'webhook.payload is undefined; return a JSON value');

/** The description read last, which the next outcome most often repeats. */
let lastDescription = '';
let lastReading: Reading | undefined;

/**
 * The reading of the description between `from` and `split`: the last one's when the text there is the same,
 * which is compared in place, without cutting the description out and hashing it.
 */
function readAt(text: string, from: number, split: number): Reading {
  if (lastReading && split - from === lastDescription.length && text.startsWith(lastDescription, from)) {
    return lastReading;
  }
  const description = text.slice(from, split);
  const reading = read(description);
  if (description.length <= MAX_REMEMBERED_DESCRIPTION) {
    lastDescription = description;
    lastReading = reading;
  }
  return reading;
}

/** One outcome from the text the runtime wrote for it: its description, PAYLOAD_SEPARATOR, its payload. */
function toOutcome(text: string, from: number, to: number, durationMs: number): TransformationOutcome {
  const split = text.indexOf(PAYLOAD_SEPARATOR, from);
  const reading = readAt(text, from, split);
  durationMs = Math.round(durationMs * 100) / 100;
  if (reading.kind !== 'request') return { ...reading, durationMs };
  if (split + 1 === to) return { ...NO_PAYLOAD, console: reading.console, durationMs };
  const request = { ...reading.request, payloadJson: text.slice(split + 1, to) };
  return { kind: 'request', request, console: reading.console, durationMs };
}

/**
 * One sandbox process, respawned when it dies. Calls queued within a tick travel together, grouped into one
 * batch per context (split across messages of at most MAX_MESSAGE_CHARS), and come back the same way, in order.
 */
function createSlot(options: SandboxOptions, onRestart: () => void) {
  let child: ChildProcess;
  let known = new Set<string>();
  /** The calls of each message sent and not yet answered, by batch, oldest first. */
  let sent: PendingCall[][][] = [];
  /** The CPU time the calls in flight may take between them, in ms. */
  let sentBudgetMs = 0;
  /** Calls not sent yet, by group (a context's calls, or its compile checks), oldest group first. */
  let queue = new Map<string, PendingCall[]>();
  let flushScheduled = false;
  let watchdog: NodeJS.Timeout | undefined;
  let closing = false;
  let alive = false;
  let spawnedAt = 0;
  let quickDeaths = 0;

  function settle(calls: PendingCall[], result: WorkerBatchResult) {
    if ('unknownCode' in result) {
      known.delete(calls[0]!.key);
      for (const call of calls) enqueue(call);
      return;
    }
    const { outcomes, entries } = result;
    let from = 0;
    let index = 0;
    for (let entry = 0; entry < entries.length; entry += 2) {
      const count = entries[entry]!;
      const share = entries[entry + 1]! / count;
      for (let i = 0; i < count; i++, index++) {
        let to = outcomes.indexOf(CALL_SEPARATOR, from);
        if (to < 0) to = outcomes.length;
        calls[index]!.resolve(toOutcome(outcomes, from, to, share));
        from = to + 1;
      }
    }
  }

  function spawnChild() {
    known = new Set();
    alive = true;
    spawnedAt = Date.now();
    child = fork(PROCESS_SCRIPT, [], {
      // Node's permission model as an outer wall: read-only access to the code (and the one file the native
      // loader probes), no child processes, no workers, no writes. isolated-vm wants --no-node-snapshot.
      execArgv: [
        '--no-node-snapshot',
        '--disable-warning=SecurityWarning',
        '--permission',
        '--allow-addons',
        `--allow-fs-read=${SOURCE_ROOT}`,
        '--allow-fs-read=/etc/alpine-release',
      ],
      env: {
        SANDBOX_MEMORY_MB: String(options.memoryLimitMb),
        SANDBOX_MAX_OUTPUT_BYTES: String(options.maxOutputBytes),
      },
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      // Strings cross as they are (V8's serializer), where JSON would escape every quote of every payload.
      serialization: 'advanced',
    });
    const current = child;
    current.on('message', (reply: WorkerReply) => {
      clearTimeout(watchdog);
      watchdog = undefined;
      const batches = sent.shift() ?? [];
      for (let i = 0; i < batches.length; i++) {
        for (const call of batches[i]!) sentBudgetMs -= call.timeoutMs;
        settle(batches[i]!, reply.results[i]!);
      }
      flush();
      if (sent.length) armWatchdog();
    });
    current.on('exit', () => {
      clearTimeout(watchdog);
      watchdog = undefined;
      // Calls the process held fail (it may have died of one of them); calls it never saw wait for the next.
      stop(sent.flat());
      sent = [];
      sentBudgetMs = 0;
      alive = false;
      // Closing: close() ends the calls still queued once the process is gone.
      if (closing) return;
      onRestart();
      // A process that dies as it starts (a broken install, a refused permission) is retried with back-off
      // rather than in a tight loop; calls wait in the queue meanwhile.
      quickDeaths = Date.now() - spawnedAt < QUICK_DEATH_MS ? quickDeaths + 1 : 0;
      const delay = quickDeaths ? Math.min(50 * 2 ** quickDeaths, 5_000) : 0;
      setTimeout(() => {
        if (closing) return;
        spawnChild();
        flush();
      }, delay).unref();
    });
    // A send racing the child's death reports here; the calls end through 'exit' above.
    current.on('error', () => {});
  }

  function stop(groups: Iterable<PendingCall[]>) {
    const stopped = failureOutcome('SandboxUnavailableError', 'the sandbox process stopped during the call');
    for (const calls of groups) {
      for (const call of calls) call.resolve(stopped);
    }
  }

  function armWatchdog() {
    clearTimeout(watchdog);
    watchdog = setTimeout(() => child.kill('SIGKILL'), WATCHDOG_GRACE_MS + sentBudgetMs);
  }

  function enqueue(call: PendingCall) {
    const group = call.input === undefined ? `check ${call.key}` : call.key;
    const calls = queue.get(group);
    if (calls) calls.push(call);
    else queue.set(group, [call]);
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(() => {
        flushScheduled = false;
        flush();
      });
    }
  }

  function flush() {
    if (!alive) return;
    const before = sent.length;
    while (queue.size > 0 && sent.length < MAX_MESSAGES_IN_FLIGHT) sendMessage();
    if (sent.length > before) armWatchdog();
  }

  /** Sends the oldest queued calls, up to MAX_MESSAGE_CHARS of input, in one message. */
  function sendMessage() {
    const batches: WorkerBatch[] = [];
    const calls: PendingCall[][] = [];
    let chars = 0;
    for (const [group, pending] of queue) {
      const { key, code, timeoutMs } = pending[0]!;
      let end = pending.length;
      let inputs: string | null = null;
      if (pending[0]!.input !== undefined) {
        inputs = pending[0]!.input;
        for (end = 1; end < pending.length && chars + inputs.length < MAX_MESSAGE_CHARS; end++) {
          inputs += CALL_SEPARATOR + pending[end]!.input!;
        }
        chars += inputs.length;
      }
      const part = pending.splice(0, end);
      if (pending.length === 0) queue.delete(group);
      batches.push({ key, code: known.has(key) ? undefined : code, timeoutMs, count: part.length, inputs });
      calls.push(part);
      known.add(key);
      for (const call of part) sentBudgetMs += call.timeoutMs;
      if (chars >= MAX_MESSAGE_CHARS) break;
    }
    sent.push(calls);
    child.send({ batches } satisfies WorkerRequest, () => {});
  }

  spawnChild();
  return {
    call(key: string, code: string, input: string | undefined): Promise<TransformationOutcome> {
      return new Promise((resolve) => enqueue({ key, code, input, timeoutMs: options.timeoutMs, resolve }));
    },
    async close() {
      closing = true;
      clearTimeout(watchdog);
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      }
      // Calls never sent: queued while it ran, or while a dead process waited for its replacement.
      stop(queue.values());
      queue = new Map();
    },
  };
}

/** FNV-1a: calls for one scope and code always go to the same process, where their context lives. */
function processIndexOf(key: string, processes: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % processes;
}

const codeHashes = new Map<string, string>();
const MAX_CODE_HASHES = 1_000;

function keyOf(scope: string, code: string): string {
  let hash = codeHashes.get(code);
  if (hash === undefined) {
    if (codeHashes.size >= MAX_CODE_HASHES) codeHashes.clear();
    hash = createHash('sha256').update(code).digest('base64url');
    codeHashes.set(code, hash);
  }
  return `${scope}:${hash}`;
}

/** The sandbox process (0-based) that runs a scope's code, among `processes`: for tests and benchmarks. */
export function sandboxProcessOf(scope: string, code: string, processes: number): number {
  return processIndexOf(keyOf(scope, code), processes);
}

/**
 * Runs merchant transformations in separate processes, each with one isolated-vm isolate, so that a crash
 * or hang never reaches the API or the delivery loop. A dead or stuck process is replaced; its calls end
 * with SandboxUnavailableError, which the delivery engine retries.
 */
export function createSandbox(options: SandboxOptions): Sandbox {
  let restarts = 0;
  const slots = Array.from({ length: options.processes }, () => createSlot(options, () => restarts++));

  /**
   * Each scope's last code, its key and its process. Comparing the code with the last one is cheaper than
   * hashing it: the delivery worker's code strings are new at every claim, and V8 hashes a new string whole.
   */
  const routes = new Map<string, { code: string; key: string; slot: ReturnType<typeof createSlot> }>();

  function routeOf(scope: string, code: string) {
    let route = routes.get(scope);
    if (route?.code !== code) {
      const key = keyOf(scope, code);
      route = { code, key, slot: slots[processIndexOf(key, slots.length)]! };
      if (routes.size >= MAX_CODE_HASHES) routes.clear();
      routes.set(scope, route);
    }
    return route;
  }

  function send(scope: string, code: string, input: string | undefined): Promise<TransformationOutcome> {
    if (code.length * 3 > options.maxCodeBytes && Buffer.byteLength(code) > options.maxCodeBytes) {
      return Promise.resolve(
        failureOutcome('CodeTooLargeError', `the code is over ${options.maxCodeBytes} bytes`),
      );
    }
    const { key, slot } = routeOf(scope, code);
    return slot.call(key, code, input);
  }

  return {
    transform: (call) => send(call.scope, call.code, encodeInput(call.input)),
    async check(scope, code) {
      const outcome = await send(scope, code, undefined);
      return outcome.kind === 'error' ? outcome.error : null;
    },
    restarts: () => restarts,
    async close() {
      await Promise.all(slots.map((slot) => slot.close()));
    },
  };
}
