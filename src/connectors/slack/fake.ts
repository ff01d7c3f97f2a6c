import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SLACK_PATH, slackPayloadProblems } from './contract.ts';

/**
 * A stand-in for Slack incoming webhooks (shared/reference/destinations.md §3a) on 127.0.0.1, for tests.
 * Answers as Slack does: 200 `ok` **[body unverified]**; plain-text error codes (400 `invalid_payload`,
 * `no_text`, `invalid_blocks`; 404 `no_service` for a webhook that does not exist; 410 `channel_is_archived`);
 * 429 with `Retry-After` and a JSON body past the per-webhook rate. It applies the same body rules as the
 * pre-send check (stricter where the limits are unverified), so it never accepts what Slack refuses.
 */

export interface SlackFakeOptions {
  /** Paths of the webhooks that exist, `/services/T…/B…/…`; any other gets 404 `no_service`. */
  hooks: string[];
  /** Paths of webhooks whose channel is archived: 410 `channel_is_archived`. */
  archived?: string[];
  /** Messages per second per webhook (sliding one-second window) before 429; unlimited when absent. */
  rateLimitPerSecond?: number;
}

export interface SlackMessage {
  path: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export interface SlackRejection {
  method: string;
  path: string;
  statusCode: number;
  reason: string;
}

export interface SlackFake {
  url: string;
  received: SlackMessage[];
  rejected: SlackRejection[];
  close(): Promise<void>;
}

/** Bodies past this size are refused unread. */
const READ_LIMIT = 1024 * 1024;

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

export async function startSlackFake(options: SlackFakeOptions): Promise<SlackFake> {
  const received: SlackMessage[] = [];
  const rejected: SlackRejection[] = [];
  const hooks = new Set(options.hooks);
  const archived = new Set(options.archived ?? []);
  const sent = new Map<string, number[]>();

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://fake').pathname;
    const method = req.method ?? 'GET';
    const reply = (statusCode: number, body: string, headers: Record<string, string> = {}) => {
      if (statusCode !== 200) rejected.push({ method, path, statusCode, reason: body });
      res.writeHead(statusCode, { 'content-type': 'text/html', ...headers });
      res.end(body);
    };
    if (!SLACK_PATH.test(path) || !hooks.has(path)) return reply(404, 'no_service');
    if (method !== 'POST') return reply(405, 'invalid_method');
    if (archived.has(path)) return reply(410, 'channel_is_archived');
    if (options.rateLimitPerSecond !== undefined) {
      const now = Date.now();
      const recent = (sent.get(path) ?? []).filter((at) => now - at < 1000);
      if (recent.length >= options.rateLimitPerSecond) {
        sent.set(path, recent);
        rejected.push({ method, path, statusCode: 429, reason: 'rate_limited' });
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '1' });
        res.end(JSON.stringify({ ok: false, error: 'rate_limited' }));
        return;
      }
      sent.set(path, [...recent, now]);
    }
    const raw = await readBody(req);
    if (raw === undefined) return reply(413, 'request_too_large');
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    let body: unknown;
    try {
      if (type === 'application/json')
        body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
      else if (type === 'application/x-www-form-urlencoded') {
        const form = new URLSearchParams(raw.toString('utf8')).get('payload');
        body = form === null ? undefined : JSON.parse(form);
      }
    } catch {
      return reply(400, 'invalid_payload');
    }
    if (body === undefined) return reply(400, 'invalid_payload');
    const problems = slackPayloadProblems(body);
    if (problems.length > 0) return reply(400, problems[0]!.code);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (typeof value === 'string') headers[name] = value;
    }
    received.push({ path, headers, body: body as Record<string, unknown> });
    return reply(200, 'ok');
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/html' });
      res.end('rollup_error');
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
