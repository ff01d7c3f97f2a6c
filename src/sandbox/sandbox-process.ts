import ivm from 'isolated-vm';
import {
  BIND_HANDLER,
  CALL_SEPARATOR,
  CODE_FILENAME,
  PAYLOAD_SEPARATOR,
  prelude,
} from './isolate-runtime.ts';
import type { WorkerBatch, WorkerBatchResult, WorkerReply, WorkerRequest } from './protocol.ts';

/**
 * A sandbox worker process: one V8 isolate (isolated-vm) holding a context per transformation, called with
 * JSON strings. It has no database credentials, no network of its own to speak of, and is killed and
 * replaced by the pool when it misbehaves.
 *
 * Calls for one context run in batches, one isolate entry each, with the per-call CPU limit as the batch's
 * budget: a batch that runs past it (or past the memory limit) is run again one call at a time, so the limit
 * and the error land on the call that earned them, and a context that took too long once runs its calls one
 * by one from then on.
 */
const memoryLimitMb = Number(process.env.SANDBOX_MEMORY_MB ?? 64);
const maxOutputBytes = Number(process.env.SANDBOX_MAX_OUTPUT_BYTES ?? 1024 * 1024);
const PRELUDE = prelude(maxOutputBytes);
const MAX_CONTEXTS = 500;
/** Bounds on one isolate entry, so that a batch never needs much more memory or time than one call. */
const MAX_ENTRY_CALLS = 64;
const MAX_ENTRY_INPUT_CHARS = 1024 * 1024;
const MAX_SINGLE_CALL_KEYS = 10_000;

type Runner = ivm.Reference<(texts: [string]) => [string]>;
interface Failure {
  name: string;
  message: string;
  line: number | null;
  column: number | null;
}

let isolate = new ivm.Isolate({ memoryLimit: memoryLimitMb });
const compiled = new Map<string, { context: ivm.Context; run: Runner }>();
/** Code by key, kept beyond its context so that a context lost to a reset is rebuilt without a round trip. */
const sources = new Map<string, string>();
const singleCallKeys = new Set<string>();

function isRunner(value: Runner | Failure | null): value is Runner {
  return value instanceof ivm.Reference;
}

function resetIsolate() {
  compiled.clear();
  if (!isolate.isDisposed) isolate.dispose();
  isolate = new ivm.Isolate({ memoryLimit: memoryLimitMb });
}

function forget(key: string) {
  const entry = compiled.get(key);
  if (!entry) return;
  compiled.delete(key);
  if (isolate.isDisposed) return;
  entry.run.release();
  entry.context.release();
}

/** Map iteration order as recency: re-inserting marks a key as just used; the first key is the oldest. */
function touch<V>(map: Map<string, V>, key: string, value: V) {
  map.delete(key);
  map.set(key, value);
}

function location(message: string): { line: number | null; column: number | null } {
  const match = new RegExp(`${CODE_FILENAME.replace('.', '\\.')}:(\\d+):(\\d+)`).exec(message);
  return match ? { line: Number(match[1]), column: Number(match[2]) } : { line: null, column: null };
}

/** Text for whatever the code's top level threw: any value at all, null and undefined included. */
function thrownText(error: unknown): string {
  try {
    if (error instanceof Error) {
      const text = `${error.name}: ${error.message}`;
      // What V8 says to import() in a context with no module loader.
      return error.message === 'Not supported'
        ? `${text} (import() is not available in transformations)`
        : text;
    }
    const text = typeof error === 'string' ? error : JSON.stringify(error);
    return `a non-Error value: ${String(text)}`;
  } catch {
    return 'a value that cannot be read';
  }
}

/**
 * Maps what isolated-vm throws (limits, syntax, the code's top-level throws and its unhandled promise
 * rejections) to the contract's error names. The value may be anything the code chose, so only the isolate's
 * own state tells a memory limit: a message saying "memory limit" proves nothing.
 * @param during loading the code (top level), or running the handler, where the runtime catches every throw
 *   and only limits and unhandled rejections remain
 */
function failure(error: unknown, during: 'load' | 'run'): Failure {
  if (isolate.isDisposed) {
    resetIsolate();
    return {
      name: 'MemoryLimitError',
      message: `the transformation used more than ${memoryLimitMb} MB`,
      line: null,
      column: null,
    };
  }
  const message = error instanceof Error ? error.message : '';
  if (/timed out/i.test(message)) {
    return {
      name: 'TimeoutError',
      message: 'the transformation ran past its CPU time limit',
      line: null,
      column: null,
    };
  }
  if (during === 'load' && error instanceof Error && error.name === 'SyntaxError') {
    return { name: 'SyntaxError', message: message.replace(/\s*\[.*\]$/, ''), ...location(message) };
  }
  const text = thrownText(error);
  const stack = error instanceof Error && typeof error.stack === 'string' ? error.stack : message;
  return {
    name: 'TransformationError',
    message: during === 'run' ? `a promise was rejected and not handled: ${text}` : `the code threw ${text}`,
    ...location(stack),
  };
}

function failureOutcome(problem: Failure): string {
  return JSON.stringify({ error: problem, console: [] }) + PAYLOAD_SEPARATOR;
}

/** The key's context, compiled from the code sent with it or kept from before; null when neither is known. */
function contextOf(key: string, code: string | undefined, timeoutMs: number): Runner | Failure | null {
  const entry = compiled.get(key);
  if (entry) {
    touch(compiled, key, entry);
    return entry.run;
  }
  const source = code ?? sources.get(key);
  if (source === undefined) return null;
  touch(sources, key, source);
  if (sources.size > MAX_CONTEXTS) sources.delete(sources.keys().next().value!);
  if (compiled.size >= MAX_CONTEXTS) forget(compiled.keys().next().value!);
  const context = isolate.createContextSync();
  try {
    const run = context.evalSync(PRELUDE, { reference: true }) as Runner;
    const script = isolate.compileScriptSync(source, { filename: CODE_FILENAME });
    script.runSync(context, { timeout: timeoutMs });
    script.release();
    context.evalSync(BIND_HANDLER, { timeout: timeoutMs });
    compiled.set(key, { context, run });
    return run;
  } catch (error) {
    if (!isolate.isDisposed) context.release();
    return failure(error, 'load');
  }
}

/**
 * Runs webhooks (joined by CALL_SEPARATOR) in one isolate entry, or, when the entry runs past a limit and
 * holds more than one, not at all: the caller then runs them one at a time.
 * @returns how many calls ran (the runtime may stop early, see there) and their outcomes
 */
function runEntry(key: string, run: Runner, inputs: string, calls: number, timeoutMs: number) {
  try {
    // Strings cross inside arrays, copied, so that they arrive as ordinary strings. Passed bare, a string of
    // 1 KiB or more arrives as an external string, which V8 keeps until a full collection: under sustained
    // load this process grew to 900 MB, and the isolate held up to its memory limit of spent inputs.
    const [output] = run.applySync(undefined, [[inputs]], {
      timeout: timeoutMs,
      arguments: { copy: true },
      result: { copy: true },
    });
    const bar = output.indexOf('|');
    return { count: Number(output.slice(0, bar)), outcomes: output.slice(bar + 1) };
  } catch (error) {
    if (calls === 1) {
      const problem = failure(error, 'run');
      // After a timeout the context may hold a half-done state; start it afresh next time.
      if (problem.name !== 'MemoryLimitError') forget(key);
      return { count: 1, outcomes: failureOutcome(problem) };
    }
    if (isolate.isDisposed) resetIsolate();
    else forget(key);
    if (singleCallKeys.size >= MAX_SINGLE_CALL_KEYS) singleCallKeys.clear();
    singleCallKeys.add(key);
    return null;
  }
}

function runBatch(batch: WorkerBatch): WorkerBatchResult {
  const { key, count, inputs, timeoutMs } = batch;
  const started = performance.now();
  const first = contextOf(key, batch.code, timeoutMs);
  if (first === null) return { unknownCode: true };
  if (inputs === null || !isRunner(first)) {
    const outcome = isRunner(first)
      ? `{"compiled":true,"console":[]}${PAYLOAD_SEPARATOR}`
      : failureOutcome(first);
    return {
      outcomes: Array(count).fill(outcome).join(CALL_SEPARATOR),
      entries: [count, performance.now() - started],
    };
  }
  const outcomes: string[] = [];
  const entries: number[] = [];
  let run: Runner | Failure | null = first;
  /** Where each call of the entry being run ends in `inputs`. */
  const ends: number[] = [];
  for (let from = 0, done = 0; done < count; ) {
    const entryStarted = performance.now();
    if (!isRunner(run)) {
      // The context was lost with the isolate and cannot be rebuilt: the rest fail as it did.
      outcomes.push(failureOutcome(run ?? failure(new Error('the code is no longer known'), 'load')));
      from = endOfCall(inputs, from) + 1;
      done++;
      entries.push(1, 0);
      continue;
    }
    ends.length = 0;
    const most = singleCallKeys.has(key) ? 1 : MAX_ENTRY_CALLS;
    for (let end = from; ends.length < most && done + ends.length < count; ) {
      end = endOfCall(inputs, end);
      ends.push(end);
      if (end - from >= MAX_ENTRY_INPUT_CHARS) break;
      end++;
    }
    const ran = runEntry(key, run, inputs.slice(from, ends.at(-1)), ends.length, timeoutMs);
    if (ran) {
      outcomes.push(ran.outcomes);
      entries.push(ran.count, performance.now() - entryStarted);
      from = ends[ran.count - 1]! + 1;
      done += ran.count;
    }
    run = contextOf(key, undefined, timeoutMs);
  }
  return { outcomes: outcomes.length === 1 ? outcomes[0]! : outcomes.join(CALL_SEPARATOR), entries };
}

/** Where the call that starts at `from` ends: the next separator, or the end of the text. */
function endOfCall(inputs: string, from: number): number {
  const end = inputs.indexOf(CALL_SEPARATOR, from);
  return end < 0 ? inputs.length : end;
}

process.on('message', (request: WorkerRequest) => {
  const reply: WorkerReply = { results: request.batches.map(runBatch) };
  process.send!(reply);
});
process.on('disconnect', () => process.exit(0));
