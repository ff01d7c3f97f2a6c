/** The name stack traces give the merchant's code, so that errors can point at its lines. */
export const CODE_FILENAME = 'transformation.js';

/**
 * Runs in each fresh context before the merchant's code: a bounded console, and no way to generate code
 * from strings, reach shared memory or compile WebAssembly. Nothing of the host is ever put in the context;
 * these only take away.
 */
export const PRELUDE = `
(() => {
  const lines = [];
  const MAX_LINES = 100;
  const MAX_LINE = 2000;
  const show = (value) => {
    if (typeof value === 'string') return value;
    try {
      const json = JSON.stringify(value);
      return json === undefined ? String(value) : json;
    } catch {
      try { return String(value); } catch { return '[unprintable]'; }
    }
  };
  const write = (level) => (...args) => {
    if (lines.length >= MAX_LINES) return;
    let message = args.map(show).join(' ');
    if (message.length > MAX_LINE) message = message.slice(0, MAX_LINE) + '…';
    lines.push({ level, message: lines.length === MAX_LINES - 1 ? '[console output truncated]' : message });
  };
  const console = Object.freeze({
    log: write('log'), info: write('info'), warn: write('warn'), error: write('error'), debug: write('debug'),
  });
  Object.defineProperty(globalThis, 'console', { value: console, writable: false, configurable: false });
  Object.defineProperty(globalThis, '__switchyard_console', { value: lines, writable: false, configurable: false });

  const refuse = () => { throw new EvalError('generating code from strings is not allowed in transformations'); };
  for (const fn of [function () {}, async function () {}, function* () {}, async function* () {}]) {
    Object.defineProperty(Object.getPrototypeOf(fn), 'constructor', { value: refuse, writable: false, configurable: false });
  }
  for (const name of ['eval', 'Function', 'WebAssembly', 'SharedArrayBuffer', 'Atomics']) {
    Object.defineProperty(globalThis, name, { value: undefined, writable: false, configurable: false });
  }
})();
`;

/**
 * Evaluated after the merchant's code, to the function that runs \`handler\` on one JSON input and returns one
 * JSON string, so only strings ever cross the boundary. Reading the result (getters, proxies, toJSON) happens
 * here, inside the time limit. Evaluating it calls nothing the code could have replaced: the function is the
 * script's value, not a global the code could shadow or a defineProperty it could hijack.
 */
export const ENTRY = `
(() => {
  const lines = globalThis.__switchyard_console;
  const locate = (error) => {
    const stack = error && typeof error === 'object' && typeof error.stack === 'string' ? error.stack : '';
    const match = /${CODE_FILENAME.replace('.', '\\.')}:(\\d+):(\\d+)/.exec(stack);
    return match ? { line: Number(match[1]), column: Number(match[2]) } : { line: null, column: null };
  };
  const describe = (error) => {
    if (error instanceof Error) {
      return { name: 'TransformationError', message: String(error.name) + ': ' + String(error.message), ...locate(error) };
    }
    let text;
    try { text = typeof error === 'string' ? error : JSON.stringify(error); } catch { text = undefined; }
    return { name: 'TransformationError', message: 'threw a non-Error value: ' + String(text), line: null, column: null };
  };
  return (input) => {
    lines.length = 0;
    let outcome;
    try {
      if (typeof handler !== 'function') throw new TypeError('the code must declare function handler(webhook)');
      const webhook = JSON.parse(input);
      Object.defineProperty(webhook, 'eventType', { value: webhook.eventType, writable: false, enumerable: true });
      Object.freeze(webhook.env);
      const result = handler(webhook);
      if (result !== null && typeof result === 'object' && typeof result.then === 'function') {
        throw new TypeError('handler must return the webhook, not a Promise: async code is not supported');
      }
      if (result === null || result === undefined || result.cancel === true) {
        outcome = { cancelled: true };
      } else if (typeof result !== 'object') {
        throw new TypeError('handler must return the webhook object, null or undefined, not a ' + typeof result);
      } else {
        const request = { url: result.url, method: result.method, headers: result.headers, payload: result.payload };
        outcome = { request: JSON.parse(JSON.stringify(request)) };
      }
    } catch (error) {
      try {
        outcome = { error: describe(error) };
      } catch {
        outcome = { error: { name: 'TransformationError', message: 'threw a value that cannot be read', line: null, column: null } };
      }
    }
    // The code may have replaced JSON.stringify or put a toJSON on a prototype: whatever comes of that, the
    // result is one string, which the sandbox process reads as untrusted.
    let text;
    try {
      text = JSON.stringify({ ...outcome, console: lines });
    } catch {
      text = undefined;
    }
    return typeof text === 'string' ? text : '';
  };
})();
`;
