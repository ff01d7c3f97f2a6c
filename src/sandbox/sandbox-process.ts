import ivm from 'isolated-vm';
import { CODE_FILENAME, ENTRY, PRELUDE } from './isolate-runtime.ts';
import type { WorkerReply, WorkerRequest } from './protocol.ts';

/**
 * A sandbox worker process: one V8 isolate (isolated-vm) holding a context per transformation, called with
 * JSON strings. It has no database credentials, no network of its own to speak of, and is killed and
 * replaced by the pool when it misbehaves.
 */
const memoryLimitMb = Number(process.env.SANDBOX_MEMORY_MB ?? 64);
const MAX_CONTEXTS = 500;

interface Compiled {
  context: ivm.Context;
  run: ivm.Reference<(input: string) => string>;
}

let isolate = new ivm.Isolate({ memoryLimit: memoryLimitMb });
const compiled = new Map<string, Compiled>();

function resetIsolate() {
  compiled.clear();
  if (!isolate.isDisposed) isolate.dispose();
  isolate = new ivm.Isolate({ memoryLimit: memoryLimitMb });
}

function location(message: string): { line: number | null; column: number | null } {
  const match = new RegExp(`${CODE_FILENAME.replace('.', '\\.')}:(\\d+):(\\d+)`).exec(message);
  return match ? { line: Number(match[1]), column: Number(match[2]) } : { line: null, column: null };
}

/** Maps what isolated-vm throws (limits, syntax) to the contract's error names. */
function failure(error: unknown) {
  const message = error instanceof Error ? error.message : String(error);
  if (isolate.isDisposed || /memory limit/i.test(message)) {
    resetIsolate();
    return {
      name: 'MemoryLimitError',
      message: `the transformation used more than ${memoryLimitMb} MB`,
      line: null,
      column: null,
    };
  }
  if (/timed out/i.test(message)) {
    return {
      name: 'TimeoutError',
      message: 'the transformation ran past its CPU time limit',
      line: null,
      column: null,
    };
  }
  if (error instanceof SyntaxError || (error as { name?: string }).name === 'SyntaxError') {
    return { name: 'SyntaxError', message: message.replace(/\s*\[.*\]$/, ''), ...location(message) };
  }
  return { name: 'TransformationError', message, ...location(message) };
}

function compile(code: string, timeoutMs: number): Compiled {
  const context = isolate.createContextSync();
  context.evalSync(PRELUDE);
  const script = isolate.compileScriptSync(code, { filename: CODE_FILENAME });
  script.runSync(context, { timeout: timeoutMs });
  script.release();
  context.evalSync(ENTRY);
  const run = context.global.getSync('__switchyard_run', { reference: true }) as ivm.Reference<
    (input: string) => string
  >;
  return { context, run };
}

function evict() {
  const oldest = compiled.keys().next().value;
  if (oldest === undefined) return;
  const entry = compiled.get(oldest)!;
  entry.run.release();
  entry.context.release();
  compiled.delete(oldest);
}

function handle(request: WorkerRequest): WorkerReply {
  const replies: WorkerReply['results'] = [];
  for (const call of request.calls) {
    const started = performance.now();
    let entry = compiled.get(call.key);
    if (!entry) {
      if (call.code === undefined) {
        replies.push({ id: call.id, unknownCode: true });
        continue;
      }
      try {
        if (compiled.size >= MAX_CONTEXTS) evict();
        entry = compile(call.code, call.timeoutMs);
        compiled.set(call.key, entry);
      } catch (error) {
        replies.push({
          id: call.id,
          output: JSON.stringify({ error: failure(error), console: [] }),
          durationMs: performance.now() - started,
        });
        continue;
      }
    } else {
      // Least recently used last: re-insert.
      compiled.delete(call.key);
      compiled.set(call.key, entry);
    }
    if (call.input === undefined) {
      replies.push({
        id: call.id,
        output: JSON.stringify({ compiled: true, console: [] }),
        durationMs: performance.now() - started,
      });
      continue;
    }
    try {
      const output = entry.run.applySync(undefined, [call.input], { timeout: call.timeoutMs });
      replies.push({ id: call.id, output, durationMs: performance.now() - started });
    } catch (error) {
      const problem = failure(error);
      // After a timeout the context may hold a half-done state; start it afresh next time.
      if (problem.name !== 'MemoryLimitError') compiled.delete(call.key);
      replies.push({
        id: call.id,
        output: JSON.stringify({ error: problem, console: [] }),
        durationMs: performance.now() - started,
      });
    }
  }
  return { results: replies };
}

process.on('message', (request: WorkerRequest) => {
  process.send!(handle(request));
});
process.on('disconnect', () => process.exit(0));
