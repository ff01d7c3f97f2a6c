import { randomUUID } from 'node:crypto';
import { type FakeReply, type FakeServer, startFakeServer } from '../fake-server.ts';
import { RateWindow } from '../rate-window.ts';
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

export interface DiscordFake extends FakeServer {
  received: DiscordMessage[];
}

/** Discord's default upload limit; a JSON body past it is refused. */
const READ_LIMIT = 8 * 1024 * 1024;

function json(
  statusCode: number,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): FakeReply {
  return { statusCode, body, headers, ...(statusCode >= 300 ? { reason: String(body.message) } : {}) };
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
  const tokens = new Map(options.webhooks.map((hook) => [hook.id, hook.token]));
  const limit = options.rateLimitPerSecond;
  const rate = new RateWindow(limit, 1000);

  /** Discord's bucket headers, sent only when the fake has a limit. */
  const rateHeaders = (id: string, remaining: number, resetAfter: number): Record<string, string> =>
    limit === undefined
      ? {}
      : {
          'x-ratelimit-limit': String(limit),
          'x-ratelimit-remaining': String(remaining),
          'x-ratelimit-reset': ((Date.now() + resetAfter * 1000) / 1000).toFixed(3),
          'x-ratelimit-reset-after': resetAfter.toFixed(3),
          'x-ratelimit-bucket': `webhook-${id}`,
        };

  const server = await startFakeServer({
    maxBodyBytes: READ_LIMIT,
    contentType: 'application/json',
    state: [received, rate],
    handle(request) {
      const { url, path } = request;
      const match = DISCORD_PATH.exec(path);
      if (!match) return json(404, { message: '404: Not Found', code: 0 });
      const [, id, token] = match as unknown as [string, string, string];
      if (!tokens.has(id)) return json(404, { message: 'Unknown Webhook', code: 10015 });
      if (tokens.get(id) !== token) return json(401, { message: 'Invalid Webhook Token', code: 50027 });
      if (request.method !== 'POST') return json(405, { message: '405: Method Not Allowed', code: 0 });

      const admitted = rate.admit(id);
      if (!admitted.admitted) {
        const resetAfter = Math.max(0.001, admitted.resetMs / 1000);
        return json(
          429,
          {
            message: 'You are being rate limited.',
            retry_after: Number(resetAfter.toFixed(3)),
            global: false,
          },
          {
            ...rateHeaders(id, 0, resetAfter),
            'retry-after': String(Math.ceil(resetAfter)),
            'x-ratelimit-scope': 'shared',
            'x-ratelimit-global': 'false',
          },
        );
      }
      const headersOut = rateHeaders(id, admitted.remaining, 1);
      const scripted = request.scripted();
      if (scripted) return scripted;

      if (request.tooLarge) return json(413, { message: 'Request entity too large', code: 40005 });
      if (request.mediaType !== 'application/json')
        return json(400, { message: 'Cannot send an empty message', code: 50006 });
      const body = request.json(() =>
        json(400, { message: 'The request body contains invalid JSON.', code: 50109 }),
      );
      const problems = discordPayloadProblems(body);
      if (problems.some((problem) => problem.code === 50035)) {
        return json(400, {
          message: 'Invalid Form Body',
          code: 50035,
          errors: errorTree(problems.filter((problem) => problem.code === 50035)),
        });
      }
      if (problems.length > 0) return json(400, { message: 'Cannot send an empty message', code: 50006 });

      const message = body as Record<string, unknown>;
      received.push({
        webhookId: id,
        path,
        query: Object.fromEntries(url.searchParams),
        headers: request.headers,
        body: message,
      });
      if (url.searchParams.get('wait') !== 'true') return { statusCode: 204, headers: headersOut };
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
    },
  });
  return Object.assign(server, { received });
}
