import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DISCORD_PATH, discordPayloadProblems } from './contract.ts';

/**
 * A stand-in for Discord's Execute Webhook (shared/reference/destinations.md §3b) on 127.0.0.1, for tests.
 * Answers as Discord does: 204 (or 200 with the message under `?wait=true`); 404 `Unknown Webhook` (10015);
 * 401 `Invalid Webhook Token` (50027); 400 with 50006 (empty message) or 50035 `Invalid Form Body` and its
 * `errors` tree; 413 past the request size; 429 with `retry_after` (float seconds), `Retry-After` and the
 * `X-RateLimit-*` headers past the bucket. The body rules are the pre-send check's.
 */

export interface DiscordFakeOptions {
  /** The webhooks that exist. */
  webhooks: { id: string; token: string }[];
  /** Requests per webhook per second (a sliding one-second window) before 429; unlimited when absent. */
  rateLimitPerSecond?: number;
}

export interface DiscordMessage {
  webhookId: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export interface DiscordRejection {
  method: string;
  path: string;
  statusCode: number;
  code?: number;
  message: string;
}

export interface DiscordFake {
  url: string;
  received: DiscordMessage[];
  rejected: DiscordRejection[];
  close(): Promise<void>;
}

/** Discord's default upload limit; a JSON body past it is refused. */
const READ_LIMIT = 8 * 1024 * 1024;

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > READ_LIMIT) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** `payload.embeds[0].title` → `{ embeds: { 0: { title: { _errors: [...] } } } }`, as Discord nests them. */
function errorTree(problems: { field: string; message: string }[]): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const problem of problems) {
    const parts = problem.field
      .replace(/^payload\.?/, '')
      .replace(/\[(\d+)\]/g, '.$1')
      .split('.')
      .filter(Boolean);
    let node = root;
    for (const part of parts) {
      if (node[part] === undefined) node[part] = {};
      node = node[part] as Record<string, unknown>;
    }
    if (node._errors === undefined) node._errors = [];
    (node._errors as unknown[]).push({ code: 'BASE_TYPE_INVALID', message: problem.message });
  }
  return root;
}

export async function startDiscordFake(options: DiscordFakeOptions): Promise<DiscordFake> {
  const received: DiscordMessage[] = [];
  const rejected: DiscordRejection[] = [];
  const tokens = new Map(options.webhooks.map((hook) => [hook.id, hook.token]));
  const sent = new Map<string, number[]>();

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const json = (
      statusCode: number,
      body: Record<string, unknown>,
      headers: Record<string, string> = {},
    ) => {
      if (statusCode >= 300) {
        rejected.push({
          method,
          path,
          statusCode,
          code: typeof body.code === 'number' ? body.code : undefined,
          message: String(body.message),
        });
      }
      res.writeHead(statusCode, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    const match = DISCORD_PATH.exec(path);
    if (!match) return json(404, { message: '404: Not Found', code: 0 });
    const [, id, token] = match as unknown as [string, string, string];
    if (!tokens.has(id)) return json(404, { message: 'Unknown Webhook', code: 10015 });
    if (tokens.get(id) !== token) return json(401, { message: 'Invalid Webhook Token', code: 50027 });
    if (method !== 'POST') return json(405, { message: '405: Method Not Allowed', code: 0 });

    const now = Date.now();
    const limit = options.rateLimitPerSecond;
    const recent = (sent.get(id) ?? []).filter((at) => now - at < 1000);
    const rateHeaders = (remaining: number, resetAfter: number): Record<string, string> =>
      limit === undefined
        ? {}
        : {
            'x-ratelimit-limit': String(limit),
            'x-ratelimit-remaining': String(remaining),
            'x-ratelimit-reset': ((now + resetAfter * 1000) / 1000).toFixed(3),
            'x-ratelimit-reset-after': resetAfter.toFixed(3),
            'x-ratelimit-bucket': `webhook-${id}`,
          };
    if (limit !== undefined && recent.length >= limit) {
      const resetAfter = Math.max(0.001, (1000 - (now - recent[0]!)) / 1000);
      sent.set(id, recent);
      return json(
        429,
        { message: 'You are being rate limited.', retry_after: Number(resetAfter.toFixed(3)), global: false },
        {
          ...rateHeaders(0, resetAfter),
          'retry-after': String(Math.ceil(resetAfter)),
          'x-ratelimit-scope': 'shared',
          'x-ratelimit-global': 'false',
        },
      );
    }
    if (limit !== undefined) sent.set(id, [...recent, now]);
    const headersOut = rateHeaders(limit === undefined ? 0 : limit - recent.length - 1, 1);

    const raw = await readBody(req);
    if (raw === undefined) return json(413, { message: 'Request entity too large', code: 40005 });
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json')
      return json(400, { message: 'Cannot send an empty message', code: 50006 });
    let body: unknown;
    try {
      body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
    } catch {
      return json(400, { message: 'The request body contains invalid JSON.', code: 50109 });
    }
    const problems = discordPayloadProblems(body);
    if (problems.some((problem) => problem.code === 50035)) {
      return json(400, {
        message: 'Invalid Form Body',
        code: 50035,
        errors: errorTree(problems.filter((problem) => problem.code === 50035)),
      });
    }
    if (problems.length > 0) return json(400, { message: 'Cannot send an empty message', code: 50006 });

    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string') headers[name] = value;
    }
    const message = body as Record<string, unknown>;
    received.push({
      webhookId: id,
      path,
      query: Object.fromEntries(url.searchParams),
      headers,
      body: message,
    });
    if (url.searchParams.get('wait') === 'true') {
      return json(
        200,
        {
          id: randomUUID(),
          type: 0,
          webhook_id: id,
          content: message.content ?? '',
          embeds: message.embeds ?? [],
        },
        headersOut,
      );
    }
    res.writeHead(204, headersOut);
    res.end();
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"message":"500: Internal Server Error","code":0}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    rejected,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
