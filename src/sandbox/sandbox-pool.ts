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
import type { WorkerCall, WorkerReply } from './protocol.ts';

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
  input: WebhookInput;
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

interface Pending {
  call: WorkerCall;
  resolve: (reply: { output: string; durationMs: number } | { unavailable: string }) => void;
}

function failureOutcome(
  name: TransformationFailure['name'],
  message: string,
  durationMs = 0,
): TransformationOutcome {
  return { kind: 'error', error: { name, message, line: null, column: null }, console: [], durationMs };
}

/** One sandbox process, respawned when it dies; calls queued within a tick travel in one message. */
function createSlot(options: SandboxOptions, onRestart: () => void) {
  let child: ChildProcess;
  let known = new Set<string>();
  const pending = new Map<number, Pending>();
  let queue: WorkerCall[] = [];
  let flushScheduled = false;
  let watchdog: NodeJS.Timeout | undefined;
  let closing = false;
  let alive = false;
  let spawnedAt = 0;
  let quickDeaths = 0;

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
      serialization: 'json',
    });
    const current = child;
    current.on('message', (reply: WorkerReply) => {
      clearTimeout(watchdog);
      watchdog = undefined;
      for (const result of reply.results) {
        const entry = pending.get(result.id);
        if (!entry) continue;
        if ('unknownCode' in result) {
          known.delete(entry.call.key);
          enqueue(entry.call);
          continue;
        }
        pending.delete(result.id);
        entry.resolve(result);
      }
      if (pending.size) armWatchdog();
    });
    current.on('exit', () => {
      clearTimeout(watchdog);
      watchdog = undefined;
      for (const [id, entry] of pending) {
        pending.delete(id);
        entry.resolve({ unavailable: 'the sandbox process stopped during the call' });
      }
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
    const budget = [...pending.values()].reduce((sum, p) => sum + p.call.timeoutMs, 0) + WATCHDOG_GRACE_MS;
    watchdog = setTimeout(() => child.kill('SIGKILL'), budget);
  }

  function enqueue(call: WorkerCall) {
    if (!known.has(call.key)) {
      known.add(call.key);
    } else if (call.input !== undefined) {
      delete call.code;
    }
    queue.push(call);
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(() => {
        flushScheduled = false;
        flush();
      });
    }
  }

  function flush() {
    if (!alive || queue.length === 0) return;
    const calls = queue;
    queue = [];
    child.send({ calls }, () => {});
    armWatchdog();
  }

  spawnChild();
  return {
    call(call: WorkerCall): Promise<{ output: string; durationMs: number } | { unavailable: string }> {
      return new Promise((resolve) => {
        pending.set(call.id, { call, resolve });
        enqueue({ ...call });
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

/**
 * Reads a sandbox process's answer. The process has already rebuilt the context's result from known fields,
 * bounded its console and held the request's JSON (not the console) to maxOutputBytes, in bytes.
 */
function parseOutput(output: string, durationMs: number): TransformationOutcome {
  const parsed = JSON.parse(output) as {
    cancelled?: true;
    request?: Record<string, unknown>;
    error?: TransformationFailure;
    console: ConsoleLine[];
  };
  const base = { console: parsed.console, durationMs };
  if (parsed.error) return { kind: 'error', error: parsed.error, ...base };
  if (parsed.cancelled || !parsed.request) return { kind: 'cancelled', ...base };
  const request = toTransformedRequest(parsed.request);
  return isFailure(request)
    ? { kind: 'error', error: request, ...base }
    : { kind: 'request', request, ...base };
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

  function keyOf(scope: string, code: string) {
    return `${scope}:${createHash('sha256').update(code).digest('base64url')}`;
  }

  function slotOf(key: string) {
    return slots[createHash('md5').update(key).digest().readUInt32BE(0) % slots.length]!;
  }

  async function send(
    scope: string,
    code: string,
    input: string | undefined,
  ): Promise<TransformationOutcome> {
    if (Buffer.byteLength(code) > options.maxCodeBytes) {
      return failureOutcome('CodeTooLargeError', `the code is over ${options.maxCodeBytes} bytes`);
    }
    const key = keyOf(scope, code);
    const reply = await slotOf(key).call({ id: nextId++, key, code, input, timeoutMs: options.timeoutMs });
    if ('unavailable' in reply) return failureOutcome('SandboxUnavailableError', reply.unavailable);
    return parseOutput(reply.output, Math.round(reply.durationMs * 100) / 100);
  }

  return {
    transform: (call) => send(call.scope, call.code, JSON.stringify(call.input)),
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
