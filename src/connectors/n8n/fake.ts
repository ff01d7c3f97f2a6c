import { type FakeReply, type FakeServer, startFakeServer } from '../fake-server.ts';
import { RateWindow } from '../rate-window.ts';
import { N8N_MAX_BODY_BYTES } from './contract.ts';

/**
 * A stand-in for an n8n instance with active Webhook nodes, on 127.0.0.1:
 * - `POST /webhook/{path}` for a registered path: 200 `{"message":"Workflow was started"}`, recording the body;
 * - an unregistered path, the Test URL `/webhook-test/{path}`, or another method: 404
 *   `{"code":404,"message":"The requested webhook \"POST …\" is not registered.","hint":…}` as n8n answers;
 * - a body over the instance's limit (16 MiB by default, lower with `maxBodyBytes`): 413;
 * - a JSON content type with a body that does not parse: 400 **[unverified]**;
 * - past `rateLimitPerSecond` requests in a second: 429 with `Retry-After: 1` (n8n itself documents none; a reverse
 *   proxy in front of it may answer so).
 */

export interface N8nFakeOptions {
  /** The active webhook paths (what follows `/webhook/`). */
  webhooks: string[];
  maxBodyBytes?: number;
  rateLimitPerSecond?: number;
}

export interface N8nReceived {
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

export interface N8nFake extends FakeServer {
  readonly received: readonly N8nReceived[];
}

function refusal(
  statusCode: number,
  body: unknown,
  reason: string,
  headers?: Record<string, string>,
): FakeReply {
  return { statusCode, body, reason, ...(headers ? { headers } : {}) };
}

export async function startN8nFake(options: N8nFakeOptions): Promise<N8nFake> {
  const received: N8nReceived[] = [];
  const rate = new RateWindow(options.rateLimitPerSecond, 1000);

  const server = await startFakeServer({
    maxBodyBytes: Math.min(options.maxBodyBytes ?? N8N_MAX_BODY_BYTES, N8N_MAX_BODY_BYTES),
    contentType: 'application/json; charset=utf-8',
    state: [received, rate],
    handle(request) {
      const { method, path } = request;
      const hook = /^\/webhook\/(.+)$/.exec(path)?.[1];
      if (method !== 'POST' || hook === undefined || !options.webhooks.includes(hook)) {
        const name = hook ?? path.replace(/^\/(webhook-test|webhook)\//, '');
        return refusal(
          404,
          {
            code: 404,
            message: `The requested webhook "${method} ${name}" is not registered.`,
            hint: 'The workflow must be active for a production URL to run successfully.',
          },
          'webhook not registered',
        );
      }
      if (!rate.admit().admitted) {
        return refusal(429, { code: 429, message: 'Too Many Requests' }, 'rate limited', {
          'retry-after': '1',
        });
      }
      const scripted = request.scripted();
      if (scripted) return scripted;
      if (request.tooLarge) {
        return refusal(413, { code: 413, message: 'request entity too large' }, 'body too large');
      }
      // n8n parses JSON bodies and hands any other body to the workflow as text.
      const body =
        request.mediaType === 'application/json'
          ? request.json(() =>
              refusal(400, { code: 400, message: 'Unexpected token in JSON' }, 'invalid JSON'),
            )
          : request.body.toString('utf8');
      received.push({ path, headers: request.headers, body });
      return { statusCode: 200, body: { message: 'Workflow was started' } };
    },
  });
  return Object.assign(server, { received });
}
