import { type FakeReply, type FakeServer, startFakeServer } from '../fake-server.ts';
import { RateWindow } from '../rate-window.ts';
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

export interface SlackFake extends FakeServer {
  received: SlackMessage[];
}

/** Bodies past this size get 413. */
const READ_LIMIT = 1024 * 1024;

/** Slack's errors are plain-text codes. */
function reply(statusCode: number, code: string): FakeReply {
  return { statusCode, body: code, ...(statusCode === 200 ? {} : { reason: code }) };
}

/** The JSON body, or the `payload` field of a form, as Slack takes both. */
function messageOf(mediaType: string, raw: Buffer, json: () => unknown): unknown {
  if (mediaType === 'application/json') return json();
  if (mediaType !== 'application/x-www-form-urlencoded') return undefined;
  const form = new URLSearchParams(raw.toString('utf8')).get('payload');
  try {
    return form === null ? undefined : JSON.parse(form);
  } catch {
    return undefined;
  }
}

export async function startSlackFake(options: SlackFakeOptions): Promise<SlackFake> {
  const received: SlackMessage[] = [];
  const hooks = new Set(options.hooks);
  const archived = new Set(options.archived ?? []);
  const rate = new RateWindow(options.rateLimitPerSecond, 1000);

  const server = await startFakeServer({
    maxBodyBytes: READ_LIMIT,
    contentType: 'text/html',
    state: [received, rate],
    handle(request) {
      const { path } = request;
      if (!SLACK_PATH.test(path) || !hooks.has(path)) return reply(404, 'no_service');
      if (request.method !== 'POST') return reply(405, 'invalid_method');
      if (archived.has(path)) return reply(410, 'channel_is_archived');
      if (!rate.admit(path).admitted) {
        return {
          statusCode: 429,
          body: { ok: false, error: 'rate_limited' },
          headers: { 'content-type': 'application/json', 'retry-after': '1' },
          reason: 'rate_limited',
        };
      }
      const scripted = request.scripted();
      if (scripted) return scripted;
      if (request.tooLarge) return reply(413, 'request_too_large');
      const body = messageOf(request.mediaType, request.body, () =>
        request.json(() => reply(400, 'invalid_payload')),
      );
      if (body === undefined) return reply(400, 'invalid_payload');
      const problems = slackPayloadProblems(body);
      if (problems.length > 0) return reply(400, problems[0]!.code);
      received.push({ path, headers: request.headers, body: body as Record<string, unknown> });
      return reply(200, 'ok');
    },
  });
  return Object.assign(server, { received });
}
