/** What a transformation receives: Svix's `handler(webhook)` contract. */
export interface WebhookInput {
  eventType: string;
  /** The whole event envelope. */
  payload: unknown;
  url: string;
  method: 'POST';
  headers: Record<string, string>;
  /** The endpoint's transformation variables (not secrets); read-only. */
  env: Record<string, string>;
  cancel: false;
}

export interface TransformedRequest {
  method: 'POST' | 'PUT' | 'PATCH';
  url: string;
  headers: Record<string, string>;
  payload: unknown;
}

/**
 * A transformed request as the sandbox hands it over: the payload is still the JSON text the code's result
 * became, so that a delivery sends it as the body without parsing and encoding it again.
 */
export interface SandboxRequest extends Omit<TransformedRequest, 'payload'> {
  payloadJson: string;
}

/** The request with its payload as a value, for whoever needs to read or change it. */
export function readPayload({ payloadJson, ...request }: SandboxRequest): TransformedRequest {
  return { ...request, payload: JSON.parse(payloadJson) };
}

export interface ConsoleLine {
  level: 'log' | 'info' | 'warn' | 'error' | 'debug';
  message: string;
}

export type TransformationErrorName =
  /** The merchant's code threw, or returned something outside the contract. */
  | 'TransformationError'
  | 'SyntaxError'
  | 'TimeoutError'
  | 'MemoryLimitError'
  | 'CodeTooLargeError'
  | 'OutputTooLargeError'
  /** The sandbox process died or stopped answering: not the code's fault, so the delivery is retried. */
  | 'SandboxUnavailableError';

export interface TransformationFailure {
  name: TransformationErrorName;
  message: string;
  /** 1-based, in the merchant's code, when known. */
  line: number | null;
  column: number | null;
}

export type TransformationOutcome =
  | { kind: 'request'; request: SandboxRequest; console: ConsoleLine[]; durationMs: number }
  | { kind: 'cancelled'; console: ConsoleLine[]; durationMs: number }
  | { kind: 'error'; error: TransformationFailure; console: ConsoleLine[]; durationMs: number };

/** Headers a transformation may not set: the signature set, and what HTTP itself owns. */
const FORBIDDEN_HEADERS = new Set([
  'host',
  'content-length',
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
]);
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const METHODS = new Set(['POST', 'PUT', 'PATCH']);

function contractError(message: string): TransformationFailure {
  return { name: 'TransformationError', message, line: null, column: null };
}

/** Most calls return one of a few URLs: each is parsed once. */
const urlProblems = new Map<string, string | null>();
const MAX_REMEMBERED_URLS = 1_000;

function problemOfUrl(text: string): string | null {
  let problem = urlProblems.get(text);
  if (problem !== undefined) return problem;
  problem = null;
  try {
    const { protocol } = new URL(text);
    if (protocol !== 'https:' && protocol !== 'http:') {
      problem = `webhook.url must be http:// or https://, not ${protocol}`;
    }
  } catch {
    problem = `webhook.url is not a valid URL: ${JSON.stringify(text.slice(0, 200))}`;
  }
  if (urlProblems.size >= MAX_REMEMBERED_URLS) urlProblems.clear();
  urlProblems.set(text, problem);
  return problem;
}

/**
 * Checks what the code returned (already plain JSON, read inside the sandbox) against the contract; the
 * payload, any JSON value, needs no check.
 * @returns the request to send, or why it cannot be sent
 */
export function toTransformedRequest(result: {
  url?: unknown;
  method?: unknown;
  headers?: unknown;
}): Omit<TransformedRequest, 'payload'> | TransformationFailure {
  if (typeof result.url !== 'string') return contractError('webhook.url must be a string');
  const urlProblem = problemOfUrl(result.url);
  if (urlProblem) return contractError(urlProblem);
  const method = typeof result.method === 'string' ? result.method.toUpperCase() : result.method;
  if (typeof method !== 'string' || !METHODS.has(method)) {
    return contractError(`webhook.method must be POST, PUT or PATCH, not ${JSON.stringify(result.method)}`);
  }
  const headers: Record<string, string> = {};
  if (result.headers !== undefined && result.headers !== null) {
    if (typeof result.headers !== 'object' || Array.isArray(result.headers)) {
      return contractError('webhook.headers must be an object of strings');
    }
    for (const [name, value] of Object.entries(result.headers)) {
      if (!HEADER_NAME.test(name))
        return contractError(`webhook.headers: '${name}' is not a valid header name`);
      const lower = name.toLowerCase();
      if (FORBIDDEN_HEADERS.has(lower) || lower.startsWith('svix-')) {
        return contractError(`webhook.headers: '${name}' is set by Switchyard and cannot be changed`);
      }
      if (typeof value !== 'string' || /[\r\n\0]/.test(value)) {
        return contractError(`webhook.headers['${name}'] must be a string without line breaks`);
      }
      headers[lower] = value;
    }
  }
  return { method: method as TransformedRequest['method'], url: result.url, headers };
}

export function isFailure<T extends object>(
  value: T | TransformationFailure,
): value is TransformationFailure {
  return 'name' in value && 'message' in value;
}
