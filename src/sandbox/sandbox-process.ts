import ivm from 'isolated-vm';
import { CODE_FILENAME, ENTRY, PRELUDE } from './isolate-runtime.ts';
import type { WorkerReply, WorkerRequest } from './protocol.ts';

/**
 * A sandbox worker process: one V8 isolate (isolated-vm) holding a context per transformation, called with
 * JSON strings. It has no database credentials, no network of its own to speak of, and is killed and
 * replaced by the pool when it misbehaves.
 */
const memoryLimitMb = Number(process.env.SANDBOX_MEMORY_MB ?? 64);
const maxOutputBytes = Number(process.env.SANDBOX_MAX_OUTPUT_BYTES ?? 1024 * 1024);
const MAX_CONTEXTS = 500;
/** The console as the prelude bounds it: lines, characters per line (plus an ellipsis), levels. */
const MAX_CONSOLE_LINES = 100;
const MAX_CONSOLE_LINE = 2001;
const CONSOLE_LEVELS = new Set(['log', 'info', 'warn', 'error', 'debug']);
/** Past this many characters a result cannot be a request within the limit plus a bounded console. */
const MAX_RESULT_CHARS = maxOutputBytes + MAX_CONSOLE_LINES * (MAX_CONSOLE_LINE * 6 + 64) + 1024;

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

/** Text for whatever the code threw or rejected with: any value at all, null and undefined included. */
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
 * @param during loading the code (top level), or running the handler, where ENTRY catches every throw and
 *   only limits and unhandled rejections remain
 */
function failure(error: unknown, during: 'load' | 'run') {
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

function resultFailure(name: string, message: string, console: unknown[] = []) {
  return JSON.stringify({ error: { name, message, line: null, column: null }, console });
}

/**
 * Reads what ENTRY's function returned. The code shares its context with ENTRY and can replace
 * JSON.stringify, put a toJSON on a prototype or write to the console array, so the result is rebuilt from
 * known fields: an error from inside the context is always a TransformationError (a forged
 * SandboxUnavailableError would make deliveries retry), the console keeps the prelude's bounds, and the
 * request's JSON is held to maxOutputBytes here, before it crosses to the host.
 */
function fromContext(output: unknown): string {
  const unreadable = () =>
    resultFailure(
      'TransformationError',
      "the transformation's result could not be read (did the code replace JSON.stringify or a toJSON?)",
    );
  if (typeof output !== 'string' || output === '') return unreadable();
  if (output.length > MAX_RESULT_CHARS) {
    return resultFailure(
      'OutputTooLargeError',
      `the transformation's result is over ${maxOutputBytes} bytes`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(output);
  } catch {
    return unreadable();
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return unreadable();
  const { error, request, cancelled, console: lines } = parsed as Record<string, unknown>;
  const console = (Array.isArray(lines) ? lines.slice(0, MAX_CONSOLE_LINES) : []).map((line) => {
    const { level, message } = (line ?? {}) as { level?: unknown; message?: unknown };
    return {
      level: typeof level === 'string' && CONSOLE_LEVELS.has(level) ? level : 'log',
      message: (typeof message === 'string' ? message : String(JSON.stringify(message))).slice(
        0,
        MAX_CONSOLE_LINE,
      ),
    };
  });
  if (error !== undefined) {
    const { message, line, column } = (error ?? {}) as {
      message?: unknown;
      line?: unknown;
      column?: unknown;
    };
    const at = (value: unknown) => (Number.isSafeInteger(value) && (value as number) > 0 ? value : null);
    return JSON.stringify({
      error: {
        name: 'TransformationError',
        message: typeof message === 'string' ? message.slice(0, 10_000) : 'the transformation failed',
        line: at(line),
        column: at(column),
      },
      console,
    });
  }
  if (request !== null && typeof request === 'object' && !Array.isArray(request)) {
    const json = JSON.stringify(request);
    if (Buffer.byteLength(json) > maxOutputBytes) {
      return resultFailure(
        'OutputTooLargeError',
        `the transformation's result is over ${maxOutputBytes} bytes`,
        console,
      );
    }
    return `{"request":${json},"console":${JSON.stringify(console)}}`;
  }
  if (cancelled === true) return JSON.stringify({ cancelled: true, console });
  return unreadable();
}

function compile(code: string, timeoutMs: number): Compiled {
  const context = isolate.createContextSync();
  context.evalSync(PRELUDE);
  const script = isolate.compileScriptSync(code, { filename: CODE_FILENAME });
  script.runSync(context, { timeout: timeoutMs });
  script.release();
  const run = context.evalSync(ENTRY, { reference: true, timeout: timeoutMs }) as ivm.Reference<
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
          output: JSON.stringify({ error: failure(error, 'load'), console: [] }),
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
      const output = fromContext(entry.run.applySync(undefined, [call.input], { timeout: call.timeoutMs }));
      replies.push({ id: call.id, output, durationMs: performance.now() - started });
    } catch (error) {
      const problem = failure(error, 'run');
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
