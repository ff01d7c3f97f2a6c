import { type ChildProcess, fork } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import {
  type ConsoleLine,
  isFailure,
  type TransformationFailure,
  type TransformationOutcome,
  toTransformedRequest,
  type WebhookInput,
} from './contract.ts';
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

/** The webhook as the sandbox process receives it: one JSON text, in the contract's key order. */
function encodeInput(input: TransformCall['input']): string {
  if (!('payloadJson' in input)) return JSON.stringify(input);
  const { eventType, payloadJson, url, headers, env } = input;
  return `{"eventType":${JSON.stringify(eventType)},"payload":${payloadJson},"url":${JSON.stringify(url)},"method":"POST","headers":${JSON.stringify(headers)},"env":${JSON.stringify(env)},"cancel":false}`;
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

interface PendingCall {
  id: number;
  key: string;
  code: string;
  /** The webhook as JSON; undefined to only compile. */
  input: string | undefined;
  timeoutMs: number;
  resolve: (reply: RawOutcome | { unavailable: string }) => void;
}

/** An outcome as the isolate runtime writes it (or the sandbox process, for limits and load failures). */
interface RawOutcome {
  request?: Record<string, unknown>;
  cancelled?: true;
  compiled?: true;
  error?: TransformationFailure;
  console: ConsoleLine[];
  durationMs: number;
}

function failureOutcome(
  name: TransformationFailure['name'],
  message: string,
  durationMs = 0,
): TransformationOutcome {
  return { kind: 'error', error: { name, message, line: null, column: null }, console: [], durationMs };
}

/**
 * One sandbox process, respawned when it dies. Calls queued within a tick travel in one message, grouped
 * into one batch per context, and come back the same way.
 */
function createSlot(options: SandboxOptions, onRestart: () => void) {
  let child: ChildProcess;
  let known = new Set<string>();
  const pending = new Map<number, PendingCall>();
  let queue = new Map<string, PendingCall[]>();
  let flushScheduled = false;
  let watchdog: NodeJS.Timeout | undefined;
  let closing = false;
  let alive = false;
  let spawnedAt = 0;
  let quickDeaths = 0;

  function settle(result: WorkerBatchResult) {
    if ('unknownCode' in result) {
      for (const id of result.ids) {
        const call = pending.get(id);
        if (!call) continue;
        known.delete(call.key);
        enqueue(call);
      }
      return;
    }
    const outcomes = JSON.parse(result.outcomes) as RawOutcome[];
    for (let i = 0; i < result.ids.length; i++) {
      const call = pending.get(result.ids[i]!);
      if (!call) continue;
      pending.delete(call.id);
      const outcome = outcomes[i]!;
      outcome.durationMs = result.durationsMs[i]!;
      call.resolve(outcome);
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
      for (const result of reply.results) settle(result);
      if (pending.size) armWatchdog();
    });
    current.on('exit', () => {
      clearTimeout(watchdog);
      watchdog = undefined;
      for (const [id, call] of pending) {
        pending.delete(id);
        call.resolve({ unavailable: 'the sandbox process stopped during the call' });
      }
      queue = new Map();
      alive = false;
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

  function armWatchdog() {
    clearTimeout(watchdog);
    let budget = WATCHDOG_GRACE_MS;
    for (const call of pending.values()) budget += call.timeoutMs;
    watchdog = setTimeout(() => child.kill('SIGKILL'), budget);
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
    if (!alive || queue.size === 0) return;
    const batches: WorkerBatch[] = [];
    for (const calls of queue.values()) {
      const { key, code, timeoutMs } = calls[0]!;
      const isCheck = calls[0]!.input === undefined;
      batches.push({
        key,
        code: known.has(key) ? undefined : code,
        timeoutMs,
        ids: calls.map((call) => call.id),
        inputs: isCheck ? null : calls.map((call) => call.input!),
      });
      known.add(key);
    }
    queue = new Map();
    child.send({ batches } satisfies WorkerRequest, () => {});
    armWatchdog();
  }

  spawnChild();
  return {
    call(call: Omit<PendingCall, 'resolve'>): Promise<RawOutcome | { unavailable: string }> {
      return new Promise((resolve) => {
        const entry = { ...call, resolve };
        pending.set(call.id, entry);
        enqueue(entry);
      });
    },
    async close() {
      closing = true;
      clearTimeout(watchdog);
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

/** Reads an outcome: the runtime has bounded its console and the request's size; the request's shape is checked here. */
function toOutcome(raw: RawOutcome): TransformationOutcome {
  const base = { console: raw.console, durationMs: Math.round(raw.durationMs * 100) / 100 };
  if (raw.error) return { kind: 'error', error: raw.error, ...base };
  if (!raw.request) return { kind: 'cancelled', ...base };
  const request = toTransformedRequest(raw.request);
  return isFailure(request)
    ? { kind: 'error', error: request, ...base }
    : { kind: 'request', request, ...base };
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
  let nextId = 1;

  async function send(
    scope: string,
    code: string,
    input: string | undefined,
  ): Promise<TransformationOutcome> {
    if (code.length * 3 > options.maxCodeBytes && Buffer.byteLength(code) > options.maxCodeBytes) {
      return failureOutcome('CodeTooLargeError', `the code is over ${options.maxCodeBytes} bytes`);
    }
    const key = keyOf(scope, code);
    const slot = slots[processIndexOf(key, slots.length)]!;
    const reply = await slot.call({ id: nextId++, key, code, input, timeoutMs: options.timeoutMs });
    if ('unavailable' in reply) return failureOutcome('SandboxUnavailableError', reply.unavailable);
    return toOutcome(reply);
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
