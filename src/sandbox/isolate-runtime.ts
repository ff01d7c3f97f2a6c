/** The name stack traces give the merchant's code, so that errors can point at its lines. */
export const CODE_FILENAME = 'transformation.js';

/**
 * Between the calls of a batch, going in (webhooks) and coming out (outcomes); and, within an outcome, between
 * its description and the request's payload. Control characters, which JSON text never holds unescaped.
 */
export const CALL_SEPARATOR = '\u0001';
export const PAYLOAD_SEPARATOR = '\u0002';

/**
 * Evaluated in each fresh context before the merchant's code. It takes away what transformations may not
 * have (code generation from strings, shared memory, WebAssembly), installs a bounded console, and evaluates
 * to the batch runner: the only function the sandbox process ever calls in the context.
 *
 * The runner is trusted because the merchant's code cannot reach it or anything it uses: it lives in this
 * closure, never on a global, and every built-in it calls was captured here, before the merchant's code
 * ran. It touches no prototype the code could have changed: results are built by string concatenation
 * around the real JSON.stringify, descriptors have no prototype, and arrays are only read at indices they
 * own. So its output has a fixed shape, one JSON object per call, in which only `request` carries a value the
 * code chose; the host still checks that value against the contract.
 *
 * The runner takes webhooks as JSON texts joined by CALL_SEPARATOR, alone in an array, parses each on its own
 * (so that each dies young, as in plain code), and returns `<count>|outcome<CALL_SEPARATOR>outcome…` for the
 * first `count` of them, alone in an array (see sandbox-process.ts for why). An outcome is a JSON description,
 * PAYLOAD_SEPARATOR, and the request's payload as JSON text (empty when there is no request): the host reads
 * the description and hands the payload on as it is. It stops
 * early once the output passes MAX_BATCH_OUTPUT characters, so that a batch of large results never needs
 * more memory than one, and the process sends the rest again.
 * @param maxOutputBytes the largest request, as UTF-8 JSON, one call may produce
 */
export function prelude(maxOutputBytes: number): string {
  return `
(() => {
  const g = globalThis;
  const parse = JSON.parse;
  const stringify = JSON.stringify;
  const apply = Reflect.apply;
  const defineProperty = Object.defineProperty;
  const freeze = Object.freeze;
  const getPrototypeOf = Object.getPrototypeOf;
  const exec = RegExp.prototype.exec;
  const sliceString = String.prototype.slice;
  const charCodeAt = String.prototype.charCodeAt;
  const indexOf = String.prototype.indexOf;
  const CALLS = ${JSON.stringify(CALL_SEPARATOR)};
  const PAYLOAD = ${JSON.stringify(PAYLOAD_SEPARATOR)};
  const toText = String;
  const ErrorType = Error;
  const TypeErrorType = TypeError;
  const MAX_LINES = 100;
  const MAX_LINE = 2000;
  const MAX_MESSAGE = 10000;
  const MAX_OUTPUT_BYTES = ${maxOutputBytes};
  const MAX_BATCH_OUTPUT = 4 * 1024 * 1024;
  const LOCATION = /${CODE_FILENAME.replace('.', '\\.')}:(\\d+):(\\d+)/;

  let consoleText = '';
  let consoleLines = 0;
  let handler;

  const show = (value) => {
    if (typeof value === 'string') return value;
    try {
      const json = stringify(value);
      return json === undefined ? toText(value) : json;
    } catch {
      try { return toText(value); } catch { return '[unprintable]'; }
    }
  };
  const write = (level) => (...args) => {
    if (consoleLines >= MAX_LINES) return;
    let message = '';
    for (let i = 0; i < args.length; i++) message += (i ? ' ' : '') + show(args[i]);
    if (message.length > MAX_LINE) message = apply(sliceString, message, [0, MAX_LINE]) + '…';
    if (consoleLines === MAX_LINES - 1) message = '[console output truncated]';
    consoleText += (consoleLines ? ',' : '') + '{"level":"' + level + '","message":' + stringify(message) + '}';
    consoleLines++;
  };
  const console = freeze({
    __proto__: null,
    log: write('log'), info: write('info'), warn: write('warn'), error: write('error'), debug: write('debug'),
  });
  defineProperty(g, 'console', { __proto__: null, value: console, writable: false, configurable: false });
  defineProperty(g, '__switchyard_bind', {
    __proto__: null,
    value: (fn) => { handler = fn; },
    writable: false,
    configurable: false,
  });

  const refuse = () => { throw new EvalError('generating code from strings is not allowed in transformations'); };
  for (const fn of [function () {}, async function () {}, function* () {}, async function* () {}]) {
    defineProperty(getPrototypeOf(fn), 'constructor', { __proto__: null, value: refuse, writable: false, configurable: false });
  }
  for (const name of ['eval', 'Function', 'WebAssembly', 'SharedArrayBuffer', 'Atomics']) {
    defineProperty(g, name, { __proto__: null, value: undefined, writable: false, configurable: false });
  }

  const utf8Bytes = (text) => {
    let bytes = 0;
    for (let i = 0; i < text.length; i++) {
      const unit = apply(charCodeAt, text, [i]);
      if (unit < 0x80) bytes += 1;
      else if (unit < 0x800) bytes += 2;
      else if (unit >= 0xd800 && unit < 0xdc00 && i + 1 < text.length) {
        bytes += 4;
        i++;
      } else bytes += 3;
    }
    return bytes;
  };
  const tooLarge = (request, payload) => {
    const chars = request.length + payload.length;
    return chars > MAX_OUTPUT_BYTES || (chars * 3 > MAX_OUTPUT_BYTES && utf8Bytes(request) + utf8Bytes(payload) > MAX_OUTPUT_BYTES);
  };

  const failure = (name, message, line, column) => {
    if (message.length > MAX_MESSAGE) message = apply(sliceString, message, [0, MAX_MESSAGE]);
    return '{"error":{"name":"' + name + '","message":' + stringify(message) + ',"line":' + line + ',"column":' + column + '}';
  };
  const describe = (error) => {
    let message;
    let stack = '';
    try {
      if (error instanceof ErrorType) {
        message = toText(error.name) + ': ' + toText(error.message);
        const trace = error.stack;
        if (typeof trace === 'string') stack = trace;
      } else {
        let text;
        try { text = typeof error === 'string' ? error : stringify(error); } catch { text = undefined; }
        message = 'threw a non-Error value: ' + toText(text);
      }
    } catch {
      message = 'threw a value that cannot be read';
      stack = '';
    }
    const at = apply(exec, LOCATION, [stack]);
    return failure('TransformationError', message, at ? +at[1] : 'null', at ? +at[2] : 'null');
  };

  const READ_ONLY = freeze({ __proto__: null, writable: false, configurable: false });
  /**
   * The parsed webhook is the handler's argument, its keys in the contract's order as the host wrote them,
   * with eventType made read-only and env frozen. Shaping the parsed object in place rather than copying it
   * into a literal with a getter keeps one map for every call, and costs the call a fraction of a microsecond
   * instead of three.
   */
  const toWebhook = (parsed) => {
    defineProperty(parsed, 'eventType', READ_ONLY);
    freeze(parsed.env);
    return parsed;
  };
  /** ',"name":<JSON>', or nothing for a value JSON cannot hold, as JSON.stringify leaves such members out. */
  const member = (name, value) => {
    const json = stringify(value);
    return json === undefined ? '' : ',"' + name + '":' + json;
  };
  const NOT_JSON = failure('TransformationError', 'the webhook is not valid JSON', 'null', 'null') + ',"console":[]}' + PAYLOAD;

  const runOne = (webhook) => {
    consoleText = '';
    consoleLines = 0;
    let outcome;
    let payload = '';
    try {
      if (typeof handler !== 'function') throw new TypeErrorType('the code must declare function handler(webhook)');
      const result = handler(webhook);
      if (result !== null && typeof result === 'object' && typeof result.then === 'function') {
        throw new TypeErrorType('handler must return the webhook, not a Promise: async code is not supported');
      }
      if (result === null || result === undefined || result.cancel === true) {
        outcome = '{"cancelled":true';
      } else if (typeof result !== 'object') {
        throw new TypeErrorType('handler must return the webhook object, null or undefined, not a ' + typeof result);
      } else {
        const members = member('url', result.url) + member('method', result.method) + member('headers', result.headers);
        const request = '{' + apply(sliceString, members, [1]) + '}';
        // undefined for a payload JSON cannot hold (undefined, a function): the host refuses the empty text.
        const json = stringify(result.payload);
        if (json !== undefined && tooLarge(request, json)) {
          outcome = failure('OutputTooLargeError', "the transformation's result is over " + MAX_OUTPUT_BYTES + ' bytes', 'null', 'null');
        } else {
          outcome = '{"request":' + request;
          if (json !== undefined) payload = json;
        }
      }
    } catch (error) {
      outcome = describe(error);
      payload = '';
    }
    return outcome + ',"console":[' + consoleText + ']}' + PAYLOAD + payload;
  };

  /**
   * A webhook of the last batch as parsed, never handed to the code. While an object lives so do the maps
   * (hidden classes) JSON.parse built for it, and with them the optimized code of the handler and the
   * runtime, which embeds them. When every webhook of a batch had died, a full GC cleared those maps and
   * threw the code away, and calls ran unoptimized until V8 compiled it again. The handler's own webhooks
   * are not kept: what a call allocates must not outlive it. It is parsed again for batches of several calls
   * only, where the extra parse is shared, so that a lone call is not parsed twice.
   */
  let shapes;

  return (texts) => {
    const text = texts[0];
    let output = '';
    let count = 0;
    const first = apply(indexOf, text, [CALLS, 0]);
    if (first >= 0 || shapes === undefined) {
      try {
        shapes = toWebhook(parse(apply(sliceString, text, [0, first < 0 ? text.length : first])));
      } catch {
        shapes = undefined;
      }
    }
    for (let from = 0; from <= text.length && output.length < MAX_BATCH_OUTPUT; count++) {
      let to = apply(indexOf, text, [CALLS, from]);
      if (to < 0) to = text.length;
      let webhook;
      try {
        webhook = toWebhook(parse(apply(sliceString, text, [from, to])));
      } catch {
        webhook = undefined;
      }
      output += (count ? CALLS : '') + (webhook === undefined ? NOT_JSON : runOne(webhook));
      from = to + 1;
    }
    return [count + '|' + output];
  };
})();
`;
}

/**
 * Evaluated after the merchant's code: hands its \`handler\` (a function declaration, or a top-level const or
 * let, which are not properties of the global object) to the runner.
 */
export const BIND_HANDLER = `__switchyard_bind(typeof handler === 'undefined' ? undefined : handler);`;
