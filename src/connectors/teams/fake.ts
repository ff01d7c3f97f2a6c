import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MAX_MESSAGE_BYTES, type TeamsWebhookKind, teamsPayloadProblems } from './contract.ts';

/**
 * A stand-in for Microsoft Teams webhooks (shared/reference/destinations.md §3c) on 127.0.0.1, for tests, serving
 * both kinds on one port:
 * - legacy Incoming Webhooks (paths `/webhookb2/…` or `/webhook/…`): 200 `1` on success; throttling past the
 *   per-webhook rate (default 4 per second, as documented) is a **200** whose body says "Microsoft Teams endpoint
 *   returned HTTP error 429"; 400 "Summary or Text is required." for a MessageCard without text; 413 over 28 KB.
 * - Workflows triggers (`/workflows/<id>/triggers/manual/paths/invoke?…&sig=`): 202 with an empty body; a body
 *   that is not the Adaptive Card envelope is accepted and its run fails (recorded in `failedRuns`, never in
 *   `received`) **[unverified]**; a wrong `sig` 401; 413 over 28 KB.
 * The error texts of unknown webhooks and bad signatures are not documented **[unverified]**; only the status is
 * asserted on.
 */

export interface TeamsFakeOptions {
  /** Paths of the legacy Incoming Webhooks that exist. */
  legacyHooks?: string[];
  /** Workflows triggers that exist: path and the `sig` their URL carries. */
  workflows?: { path: string; sig: string }[];
  /** Legacy messages per webhook per second before the throttled body; 4 when absent (Teams' documented rate). */
  legacyPerSecond?: number;
}

export interface TeamsMessage {
  kind: TeamsWebhookKind;
  path: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export interface TeamsRejection {
  kind: TeamsWebhookKind | undefined;
  path: string;
  statusCode: number;
  body: string;
}

export interface TeamsFake {
  url: string;
  received: TeamsMessage[];
  /** Workflows requests answered 202 whose flow run then failed. */
  failedRuns: { path: string; body: unknown; reason: string }[];
  rejected: TeamsRejection[];
  close(): Promise<void>;
}

const READ_LIMIT = 1024 * 1024;
export const THROTTLED_BODY =
  'Webhook message delivery failed with error: Microsoft Teams endpoint returned HTTP error 429 with ContextId tcid=0,server=msgapi-fake,cv=fake.0..';

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

export async function startTeamsFake(options: TeamsFakeOptions): Promise<TeamsFake> {
  const received: TeamsMessage[] = [];
  const failedRuns: TeamsFake['failedRuns'] = [];
  const rejected: TeamsRejection[] = [];
  const legacy = new Set(options.legacyHooks ?? []);
  const flows = new Map((options.workflows ?? []).map((flow) => [flow.path, flow.sig]));
  const perSecond = options.legacyPerSecond ?? 4;
  const sent = new Map<string, number[]>();

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const path = url.pathname;
    const kind: TeamsWebhookKind | undefined = legacy.has(path)
      ? 'legacy'
      : flows.has(path)
        ? 'workflows'
        : undefined;
    const reply = (statusCode: number, body: string, contentType = 'text/plain; charset=utf-8') => {
      if (statusCode >= 300 || body === THROTTLED_BODY) rejected.push({ kind, path, statusCode, body });
      res.writeHead(statusCode, body === '' ? {} : { 'content-type': contentType });
      res.end(body);
    };
    const azureError = (statusCode: number, code: string, message: string) =>
      reply(statusCode, JSON.stringify({ error: { code, message } }), 'application/json; charset=utf-8');

    if (!kind) return reply(404, 'Not Found');
    if (req.method !== 'POST') return reply(405, 'Method Not Allowed');
    if (kind === 'workflows' && url.searchParams.get('sig') !== flows.get(path)) {
      return azureError(401, 'DirectApiInvalidAuthorizationSignature', 'The provided sig is not valid.');
    }
    const raw = await readBody(req);
    if (raw === undefined || raw.length > MAX_MESSAGE_BYTES) {
      return kind === 'legacy'
        ? reply(413, 'Request Entity Too Large')
        : azureError(413, 'RequestEntityTooLarge', 'The request entity is too large.');
    }
    if (kind === 'legacy') {
      const now = Date.now();
      const recent = (sent.get(path) ?? []).filter((at) => now - at < 1000);
      if (recent.length >= perSecond) {
        sent.set(path, recent);
        return reply(200, THROTTLED_BODY);
      }
      sent.set(path, [...recent, now]);
    }
    let body: unknown;
    try {
      body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw));
    } catch {
      return kind === 'legacy'
        ? reply(400, 'Bad payload received by generic incoming webhook.')
        : azureError(400, 'InvalidRequestContent', 'The request content is not valid JSON.');
    }
    const problems = teamsPayloadProblems(body, kind);
    if (kind === 'workflows') {
      if (problems.length > 0) {
        failedRuns.push({ path, body, reason: problems.map((p) => `${p.field}: ${p.message}`).join('; ') });
      }
    } else if (problems.length > 0) {
      return reply(400, 'Summary or Text is required.');
    }
    if (problems.length === 0) {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (typeof value === 'string') headers[name] = value;
      }
      received.push({ kind, path, headers, body: body as Record<string, unknown> });
    }
    return kind === 'legacy' ? reply(200, '1') : reply(202, '');
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    failedRuns,
    rejected,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
