import { randomBytes } from 'node:crypto';
import { bearerToken } from '../authorization-header.ts';
import { type FakeReply, type FakeServer, startFakeServer } from '../fake-server.ts';
import { RateWindow } from '../rate-window.ts';
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

export interface SendgridFake extends FakeServer {
  received: AcceptedMail[];
}

const HELP = 'http://sendgrid.com/docs/API_Reference/Web_API_v3/Mail/errors.html';

function errors(
  statusCode: number,
  list: { field: string | null; message: string }[],
  headers?: Record<string, string>,
): FakeReply {
  return {
    statusCode,
    body: { errors: list.map((e) => ({ ...e, help: HELP })) },
    reason: list.map((e) => (e.field ? `${e.field}: ${e.message}` : e.message)).join('; '),
    ...(headers ? { headers } : {}),
  };
}

export async function startSendgridFake(options: SendgridFakeOptions): Promise<SendgridFake> {
  const received: AcceptedMail[] = [];
  const rate = new RateWindow(options.rateLimitPerSecond, 1000);

  const server = await startFakeServer({
    maxBodyBytes: MAX_BODY_BYTES,
    contentType: 'application/json',
    state: [received, rate],
    handle(request) {
      const { method, path, headers } = request;
      const key = bearerToken(headers.authorization);
      if (key === undefined || (!options.apiKeys.includes(key) && !options.restrictedKeys?.includes(key))) {
        return errors(401, [
          { field: null, message: 'The provided authorization grant is invalid, expired, or revoked' },
        ]);
      }
      if (options.restrictedKeys?.includes(key)) {
        return errors(403, [{ field: null, message: 'access forbidden' }]);
      }
      if (!rate.admit().admitted) {
        return errors(429, [{ field: null, message: 'too many requests' }], {
          'x-ratelimit-limit': String(options.rateLimitPerSecond),
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(Math.ceil((Date.now() + 1000) / 1000)),
        });
      }
      const scripted = request.scripted();
      if (scripted) return scripted;
      if (path !== MAIL_SEND_PATH) return errors(404, [{ field: null, message: 'resource not found' }]);
      if (method !== 'POST') return errors(405, [{ field: null, message: 'method not allowed' }]);
      if (!headers.accept) {
        return errors(406, [
          { field: null, message: 'Missing Accept header. For example: Accept: application/json' },
        ]);
      }
      if (request.tooLarge) {
        return errors(413, [
          { field: null, message: 'The JSON payload you have included in your request is too large.' },
        ]);
      }
      if (request.mediaType !== 'application/json') {
        return errors(415, [{ field: null, message: 'Content-Type should be application/json.' }]);
      }
      const body = request.json(() => errors(400, [{ field: null, message: 'Bad Request' }]));
      const problems = mailProblems(body);
      if (problems.length > 0) {
        return errors(
          400,
          problems.map((p) => ({ field: p.field, message: p.message })),
        );
      }
      const messageId = randomBytes(16).toString('base64url');
      received.push({ messageId, apiKey: key, headers, body });
      return { statusCode: 202, headers: { 'x-message-id': messageId } };
    },
  });
  return Object.assign(server, { received });
}
