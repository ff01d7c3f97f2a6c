import { type FakeReply, type FakeServer, startFakeServer } from '../fake-server.ts';
import { RateWindow } from '../rate-window.ts';
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

export interface TeamsFake extends FakeServer {
  received: TeamsMessage[];
  /** Workflows requests answered 202 whose flow run then failed. */
  failedRuns: { path: string; body: unknown; reason: string }[];
}

export const THROTTLED_BODY =
  'Webhook message delivery failed with error: Microsoft Teams endpoint returned HTTP error 429 with ContextId tcid=0,server=msgapi-fake,cv=fake.0..';

/** A plain-text answer; the throttled 200 counts as a refusal, as Teams sent nothing. */
function text(statusCode: number, body: string): FakeReply {
  const refused = statusCode >= 300 || body === THROTTLED_BODY;
  return { statusCode, body, ...(refused ? { reason: body } : {}) };
}

/** The Logic Apps error shape of a Workflows trigger. */
function azureError(statusCode: number, code: string, message: string): FakeReply {
  return {
    statusCode,
    body: { error: { code, message } },
    headers: { 'content-type': 'application/json; charset=utf-8' },
    reason: message,
  };
}

export async function startTeamsFake(options: TeamsFakeOptions): Promise<TeamsFake> {
  const received: TeamsMessage[] = [];
  const failedRuns: TeamsFake['failedRuns'] = [];
  const legacy = new Set(options.legacyHooks ?? []);
  const flows = new Map((options.workflows ?? []).map((flow) => [flow.path, flow.sig]));
  const rate = new RateWindow(options.legacyPerSecond ?? 4, 1000);

  const server = await startFakeServer({
    maxBodyBytes: MAX_MESSAGE_BYTES,
    contentType: 'text/plain; charset=utf-8',
    state: [received, failedRuns, rate],
    handle(request) {
      const { url, path } = request;
      const kind: TeamsWebhookKind | undefined = legacy.has(path)
        ? 'legacy'
        : flows.has(path)
          ? 'workflows'
          : undefined;
      if (!kind) return text(404, 'Not Found');
      if (request.method !== 'POST') return text(405, 'Method Not Allowed');
      if (kind === 'workflows' && url.searchParams.get('sig') !== flows.get(path)) {
        return azureError(401, 'DirectApiInvalidAuthorizationSignature', 'The provided sig is not valid.');
      }
      const scripted = request.scripted();
      if (scripted) return scripted;
      if (request.tooLarge) {
        return kind === 'legacy'
          ? text(413, 'Request Entity Too Large')
          : azureError(413, 'RequestEntityTooLarge', 'The request entity is too large.');
      }
      if (kind === 'legacy' && !rate.admit(path).admitted) return text(200, THROTTLED_BODY);
      const body = request.json(() =>
        kind === 'legacy'
          ? text(400, 'Bad payload received by generic incoming webhook.')
          : azureError(400, 'InvalidRequestContent', 'The request content is not valid JSON.'),
      );
      const problems = teamsPayloadProblems(body, kind);
      if (kind === 'legacy' && problems.length > 0) return text(400, 'Summary or Text is required.');
      if (problems.length > 0) {
        failedRuns.push({ path, body, reason: problems.map((p) => `${p.field}: ${p.message}`).join('; ') });
      } else {
        received.push({ kind, path, headers: request.headers, body: body as Record<string, unknown> });
      }
      return kind === 'legacy' ? text(200, '1') : text(202, '');
    },
  });
  return Object.assign(server, { received, failedRuns });
}
