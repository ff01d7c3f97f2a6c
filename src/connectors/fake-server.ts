import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The HTTP core every vendor fake runs on: a server on 127.0.0.1, requests read whole (bodies cut off at the
 * vendor's limit), replies written in the vendor's content type, scripted replies for tests, and a log of every
 * request with the status it got. What is the vendor's (its routes, credentials, limits, validation, error and
 * success bodies, and the order it checks them in) stays in the vendor's `fake.ts`, as the `handle` it passes.
 */

/** One request as a fake receives it. */
export interface FakeRequest {
  method: string;
  /** The request target on `http://fake`, for its path and query. */
  url: URL;
  path: string;
  /** Names in lower case; a repeated header's values joined with ", ". */
  headers: Record<string, string>;
  /** The Content-Type without its parameters, in lower case (`application/json`); empty when none. */
  mediaType: string;
  /** The body, cut off at the fake's `maxBodyBytes`. */
  body: Buffer;
  /** The body was longer than `maxBodyBytes`: the vendor's answer to an oversize body is due. */
  tooLarge: boolean;
  /** The body as UTF-8 JSON; when it is not, the fake answers `invalid()` at once. */
  json(invalid: () => FakeReply): unknown;
  /** The next reply a test scripted with `respondWith`, if any; a fake takes it once the credentials pass. */
  scripted(): FakeReply | undefined;
  /** Headers every answer to this request carries from here on (a vendor's rate-limit counters), under its own. */
  replyHeaders: Record<string, string>;
}

/** A fake's answer. */
export interface FakeReply {
  statusCode: number;
  /** Sent as is when a string, as JSON otherwise; no body when absent. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Why the fake refused the request (not sent): refusals are listed in `rejected`. */
  reason?: string;
}

/** A request in the fake's log, with the status it got. */
export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  /** The body as text; empty when it was too large. */
  body: string;
  statusCode: number;
  reason?: string;
}

export interface Refusal {
  method: string;
  path: string;
  statusCode: number;
  reason: string;
}

/** What every fake offers a test; each vendor's fake adds what it accepted. */
export interface FakeServer {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Every request, in arrival order. */
  readonly requests: readonly RecordedRequest[];
  /** The requests the fake refused, with why. */
  readonly rejected: readonly Refusal[];
  /** Answers the next requests whose credentials pass with these replies instead, in order. */
  respondWith(...replies: FakeReply[]): void;
  /** Forgets the log, the scripted replies and the vendor's records and counters. */
  reset(): void;
  close(): Promise<void>;
}

export interface FakeServerOptions {
  /** Longer bodies are cut off and flagged `tooLarge`; unlimited when the vendor documents no limit. */
  maxBodyBytes?: number;
  /** The vendor's Content-Type for a non-empty body, unless a reply names another. */
  contentType: string;
  handle(request: FakeRequest): FakeReply | Promise<FakeReply>;
  /** The vendor's own records and counters, which `reset()` empties with the log. */
  state?: (unknown[] | { clear(): void })[];
}

/** Thrown by `refuse` and `json` to answer at once from anywhere in a handler. */
class Refused extends Error {
  readonly reply: FakeReply;

  constructor(reply: FakeReply) {
    super(reply.reason ?? `refused with ${reply.statusCode}`);
    this.reply = reply;
  }
}

/** Answers `reply` at once, from a helper deep in a vendor's handler. */
export function refuse(reply: FakeReply): never {
  throw new Refused(reply);
}

function flatHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

/** The whole body, keeping at most `limit` bytes: the rest is read and dropped so the answer still arrives. */
async function readBody(
  request: IncomingMessage,
  limit: number,
): Promise<{ body: Buffer; tooLarge: boolean }> {
  const chunks: Buffer[] = [];
  let kept = 0;
  let tooLarge = false;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    if (tooLarge) continue;
    if (kept + chunk.length > limit) {
      chunks.push(chunk.subarray(0, limit - kept));
      tooLarge = true;
    } else {
      chunks.push(chunk);
      kept += chunk.length;
    }
  }
  return { body: Buffer.concat(chunks), tooLarge };
}

function serialize(body: unknown): string {
  if (body === undefined) return '';
  return typeof body === 'string' ? body : JSON.stringify(body);
}

export async function startFakeServer(options: FakeServerOptions): Promise<FakeServer> {
  const limit = options.maxBodyBytes ?? Number.POSITIVE_INFINITY;
  const requests: RecordedRequest[] = [];
  const scripted: FakeReply[] = [];

  async function answer(request: FakeRequest): Promise<FakeReply> {
    try {
      return await options.handle(request);
    } catch (error) {
      if (error instanceof Refused) return error.reply;
      const reason = `fake failure: ${(error as Error).message}`;
      return { statusCode: 500, body: reason, headers: { 'content-type': 'text/plain' }, reason };
    }
  }

  const server = createServer((incoming, response) => {
    readBody(incoming, limit)
      .then(async ({ body, tooLarge }) => {
        const url = new URL(incoming.url ?? '/', 'http://fake');
        const headers = flatHeaders(incoming);
        const request: FakeRequest = {
          method: incoming.method ?? 'GET',
          url,
          path: url.pathname,
          headers,
          mediaType: (headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase(),
          body,
          tooLarge,
          json(invalid) {
            try {
              return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
            } catch {
              return refuse(invalid());
            }
          },
          scripted: () => scripted.shift(),
          replyHeaders: {},
        };
        const reply = await answer(request);
        const text = serialize(reply.body);
        requests.push({
          method: request.method,
          path: request.path,
          headers: request.headers,
          body: tooLarge ? '' : body.toString('utf8'),
          statusCode: reply.statusCode,
          ...(reply.reason === undefined ? {} : { reason: reply.reason }),
        });
        response.writeHead(reply.statusCode, {
          ...(text === '' ? {} : { 'content-type': options.contentType }),
          ...request.replyHeaders,
          ...reply.headers,
        });
        response.end(text);
      })
      // A client gone mid-request, or a target no URL can hold: nothing to answer.
      .catch(() => response.destroy());
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    get rejected() {
      return requests.flatMap(({ method, path, statusCode, reason }) =>
        reason === undefined ? [] : [{ method, path, statusCode, reason }],
      );
    },
    respondWith(...replies) {
      scripted.push(...replies);
    },
    reset() {
      requests.length = 0;
      scripted.length = 0;
      for (const part of options.state ?? []) {
        if (Array.isArray(part)) part.length = 0;
        else part.clear();
      }
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
