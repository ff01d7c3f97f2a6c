import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MAIL_SEND_PATH, MAX_BODY_BYTES, mailProblems } from './contract.ts';

/**
 * A stand-in for SendGrid's v3 Mail Send (destinations.md §4d) on 127.0.0.1, for tests. It refuses what SendGrid
 * refuses: no or unknown key (401), a key without Mail Send permission (403), no `Accept` header (406), invalid
 * mail (400 `{"errors":[{field, message, help}]}`), bodies over 30 MB (413) and more than `rateLimitPerSecond`
 * requests a second (429 with `X-RateLimit-Limit`, `-Remaining` and `-Reset` as a Unix time). Accepted mail gets
 * 202, an empty body and an `X-Message-Id`.
 */

export interface SendgridFakeOptions {
  /** Keys with the Mail Send permission. */
  apiKeys: string[];
  /** Keys that exist but lack Mail Send: 403. */
  restrictedKeys?: string[];
  rateLimitPerSecond?: number;
}

export interface AcceptedMail {
  messageId: string;
  apiKey: string;
  headers: Record<string, string>;
  body: unknown;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  statusCode: number;
}

export interface ScriptedResponse {
  statusCode: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface SendgridFake {
  url: string;
  received: AcceptedMail[];
  requests: RecordedRequest[];
  respondWith(...responses: ScriptedResponse[]): void;
  reset(): void;
  close(): Promise<void>;
}

interface Reply {
  statusCode: number;
  body: unknown;
  headers?: Record<string, string>;
}

const HELP = 'http://sendgrid.com/docs/API_Reference/Web_API_v3/Mail/errors.html';

function errors(
  statusCode: number,
  list: { field: string | null; message: string }[],
  headers?: Record<string, string>,
): Reply {
  return {
    statusCode,
    body: { errors: list.map((e) => ({ ...e, help: HELP })) },
    ...(headers ? { headers } : {}),
  };
}

export async function startSendgridFake(options: SendgridFakeOptions): Promise<SendgridFake> {
  const received: AcceptedMail[] = [];
  const requests: RecordedRequest[] = [];
  const scripted: ScriptedResponse[] = [];
  const window: number[] = [];

  function handle(
    method: string,
    path: string,
    headers: Record<string, string>,
    raw: Buffer,
    overflow: boolean,
  ): Reply {
    const match = /^Bearer (\S+)$/.exec(headers.authorization ?? '');
    const key = match?.[1];
    if (key === undefined || (!options.apiKeys.includes(key) && !options.restrictedKeys?.includes(key))) {
      return errors(401, [
        { field: null, message: 'The provided authorization grant is invalid, expired, or revoked' },
      ]);
    }
    if (options.restrictedKeys?.includes(key)) {
      return errors(403, [{ field: null, message: 'access forbidden' }]);
    }
    if (options.rateLimitPerSecond !== undefined) {
      const now = Date.now();
      while (window.length > 0 && window[0]! <= now - 1000) window.shift();
      const headersOut = {
        'x-ratelimit-limit': String(options.rateLimitPerSecond),
        'x-ratelimit-remaining': String(Math.max(0, options.rateLimitPerSecond - window.length - 1)),
        'x-ratelimit-reset': String(Math.ceil((now + 1000) / 1000)),
      };
      if (window.length >= options.rateLimitPerSecond) {
        return errors(429, [{ field: null, message: 'too many requests' }], headersOut);
      }
      window.push(now);
    }
    const next = scripted.shift();
    if (next) return { statusCode: next.statusCode, body: next.body ?? '', headers: next.headers ?? {} };
    if (path !== MAIL_SEND_PATH) return errors(404, [{ field: null, message: 'resource not found' }]);
    if (method !== 'POST') return errors(405, [{ field: null, message: 'method not allowed' }]);
    if (!headers.accept)
      return errors(406, [
        { field: null, message: 'Missing Accept header. For example: Accept: application/json' },
      ]);
    if (overflow)
      return errors(413, [
        { field: null, message: 'The JSON payload you have included in your request is too large.' },
      ]);
    if (!/^application\/json\s*(;|$)/i.test(headers['content-type'] ?? '')) {
      return errors(415, [{ field: null, message: 'Content-Type should be application/json.' }]);
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return errors(400, [{ field: null, message: 'Bad Request' }]);
    }
    const problems = mailProblems(body);
    if (problems.length > 0)
      return errors(
        400,
        problems.map((p) => ({ field: p.field, message: p.message })),
      );
    const messageId = randomBytes(16).toString('base64url');
    received.push({ messageId, apiKey: key, headers, body });
    return { statusCode: 202, body: '', headers: { 'x-message-id': messageId } };
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      const overflow = size > MAX_BODY_BYTES;
      const path = new URL(req.url ?? '/', 'http://fake').pathname;
      const method = req.method ?? 'GET';
      const headers = Object.fromEntries(
        Object.entries(req.headers).map(([name, value]) => [
          name,
          Array.isArray(value) ? value.join(', ') : (value ?? ''),
        ]),
      );
      const reply = handle(method, path, headers, Buffer.concat(chunks), overflow);
      requests.push({ method, path, headers, statusCode: reply.statusCode });
      const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
      res.writeHead(reply.statusCode, {
        ...(text === '' ? {} : { 'content-type': 'application/json' }),
        ...reply.headers,
      });
      res.end(text);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    received,
    requests,
    respondWith(...responses) {
      scripted.push(...responses);
    },
    reset() {
      received.length = 0;
      requests.length = 0;
      scripted.length = 0;
      window.length = 0;
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      });
    },
  };
}
