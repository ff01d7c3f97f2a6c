import { randomUUID } from 'node:crypto';
import { bearerToken } from '../authorization-header.ts';
import { type FakeReply, type FakeServer, startFakeServer } from '../fake-server.ts';
import { isJsonObject } from '../json-value.ts';
import { RateWindow } from '../rate-window.ts';
import { WINDMILL_MAX_BODY_BYTES, WINDMILL_PATH } from './contract.ts';

/**
 * A stand-in for a Windmill instance's webhooks on 127.0.0.1 (destinations.md §3f):
 * - `POST /api/w/{workspace}/jobs/run/{p|h|f}/{path}`: 201 with the job UUID as text;
 *   `POST …/jobs/run_wait_result/{p|h|f}/{path}`: 200 with the script's result (here, the arguments echoed);
 * - the token as `?token=` or `Authorization: Bearer`; missing or unknown: 401 `Unauthorized`;
 * - an unknown workspace or runnable: 404; a body that is not a JSON object: 400 **[unverified]**;
 * - over 2 MiB (or `maxBodyBytes`): 413 **[unverified]**;
 * - past `rateLimitPerSecond` in a second: 429 with `Retry-After: 1` (Windmill documents none; a proxy may).
 */

export interface WindmillFakeOptions {
  workspace: string;
  /** Runnable paths, e.g. `u/ada/on_payment`, reachable as `p/…`, `h/…` or `f/…`. */
  runnables: string[];
  tokens: string[];
  maxBodyBytes?: number;
  rateLimitPerSecond?: number;
}

export interface WindmillJob {
  id: string;
  mode: 'run' | 'run_wait_result';
  kind: 'p' | 'h' | 'f';
  runnable: string;
  token: string;
  auth: 'query' | 'bearer';
  args: Record<string, unknown>;
  headers: Record<string, string>;
}

export interface WindmillFake extends FakeServer {
  readonly jobs: readonly WindmillJob[];
}

function refusal(
  statusCode: number,
  body: string,
  reason: string,
  headers?: Record<string, string>,
): FakeReply {
  return { statusCode, body, reason, ...(headers ? { headers } : {}) };
}

export async function startWindmillFake(options: WindmillFakeOptions): Promise<WindmillFake> {
  const jobs: WindmillJob[] = [];
  const rate = new RateWindow(options.rateLimitPerSecond, 1000);

  const server = await startFakeServer({
    maxBodyBytes: Math.min(options.maxBodyBytes ?? WINDMILL_MAX_BODY_BYTES, WINDMILL_MAX_BODY_BYTES),
    contentType: 'text/plain; charset=utf-8',
    state: [jobs, rate],
    handle(request) {
      const queryToken = request.url.searchParams.get('token');
      const token = queryToken ?? bearerToken(request.headers.authorization);
      if (token === undefined || token === '' || !options.tokens.includes(token)) {
        return refusal(401, 'Unauthorized: invalid or missing token', 'bad token');
      }
      const match = WINDMILL_PATH.exec(request.path);
      if (request.method !== 'POST' || !match) return refusal(404, 'Not Found', 'unknown route');
      const [, workspace, mode, kind, runnable] = match;
      if (workspace !== options.workspace || !options.runnables.includes(decodeURIComponent(runnable!))) {
        return refusal(404, `Script not found at name ${runnable}`, 'unknown runnable');
      }
      if (!rate.admit().admitted) {
        return refusal(429, 'Too Many Requests', 'rate limited', { 'retry-after': '1' });
      }
      const scripted = request.scripted();
      if (scripted) return scripted;
      if (request.tooLarge) return refusal(413, 'Payload Too Large', 'body too large');
      const args = request.json(() =>
        refusal(400, 'Failed to parse the request body as JSON', 'invalid JSON'),
      );
      if (!isJsonObject(args)) {
        return refusal(400, 'the arguments must be a JSON object', 'arguments not an object');
      }
      const id = randomUUID();
      jobs.push({
        id,
        mode: mode as WindmillJob['mode'],
        kind: kind as WindmillJob['kind'],
        runnable: decodeURIComponent(runnable!),
        token,
        auth: queryToken !== null ? 'query' : 'bearer',
        args,
        headers: request.headers,
      });
      if (mode === 'run') return { statusCode: 201, body: id };
      return { statusCode: 200, body: args, headers: { 'content-type': 'application/json' } };
    },
  });
  return Object.assign(server, { jobs });
}
