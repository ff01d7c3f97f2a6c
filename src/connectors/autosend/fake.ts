import { randomUUID } from 'node:crypto';
import { bearerToken } from '../authorization-header.ts';
import { type FakeReply, type FakeServer, startFakeServer } from '../fake-server.ts';
import { RateWindow } from '../rate-window.ts';
import { BODY_MAX_BYTES, mailProblems, SEND_PATH } from './contract.ts';

/** One email the fake AutoSend API queued. */
export interface AcceptedCall {
  path: string;
  apiKey: string;
  emailId: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export interface AutosendFake extends FakeServer {
  received: AcceptedCall[];
}

export interface AutosendFakeOptions {
  apiKeys: string[];
  /** Sender domains verified in AutoSend; a `from.email` elsewhere gets 403. */
  verifiedDomains: string[];
  /** Template ids that exist; an unknown `templateId` gets 404. */
  templates?: string[];
  /** AutoSend publishes no rate limit here [unverified]; when set, requests past it in one second get 429. */
  rateLimitPerSecond?: number;
}

/** AutoSend's error body is not in the reference [unverified]; the fake mirrors its success shape. */
const fail = (statusCode: number, message: string, headers?: Record<string, string>): FakeReply => ({
  statusCode,
  body: { success: false, message },
  reason: message,
  ...(headers ? { headers } : {}),
});

/**
 * A stand-in for `api.autosend.com/v1/mails/send` on 127.0.0.1: Bearer keys, the mail contract of `contract.ts`
 * (400 on a malformed email), 403 for an unverified sender domain, 404 for an unknown template, and
 * `{success: true, message: "Email queued successfully", data: {emailId, status: "queued"}}`.
 */
export async function startAutosendFake(options: AutosendFakeOptions): Promise<AutosendFake> {
  const received: AcceptedCall[] = [];
  const rate = new RateWindow(options.rateLimitPerSecond, 1000);

  const server = await startFakeServer({
    maxBodyBytes: BODY_MAX_BYTES,
    contentType: 'application/json',
    state: [received, rate],
    handle(request) {
      const { method, path, headers } = request;
      const apiKey = bearerToken(headers.authorization);
      if (!apiKey || !options.apiKeys.includes(apiKey)) return fail(401, 'Invalid or missing API key');
      const scripted = request.scripted();
      if (scripted) return scripted;
      if (!rate.admit().admitted) return fail(429, 'Too many requests', { 'retry-after': '1' });
      if (path !== SEND_PATH) return fail(404, `Not found: ${path}`);
      if (method !== 'POST') return fail(405, `${method} is not allowed; use POST`);
      if (request.tooLarge) return fail(413, 'Request body too large');
      if (request.mediaType !== 'application/json') return fail(400, 'Content-Type must be application/json');
      const body = request.json(() => fail(400, 'Invalid JSON body'));
      const problems = mailProblems(body);
      if (problems.length > 0) {
        return fail(400, problems.map((p) => (p.field ? `${p.field}: ${p.message}` : p.message)).join('; '));
      }
      const mail = body as Record<string, unknown> & { from: { email: string } };
      const domain = mail.from.email.split('@')[1]?.toLowerCase();
      if (!domain || !options.verifiedDomains.map((d) => d.toLowerCase()).includes(domain)) {
        return fail(403, `The sender domain of ${mail.from.email} is not verified`);
      }
      if (mail.templateId !== undefined && !(options.templates ?? []).includes(String(mail.templateId))) {
        return fail(404, 'Template not found');
      }
      const emailId = `email_${randomUUID()}`;
      received.push({ path, apiKey, emailId, headers, body: mail });
      return {
        statusCode: 200,
        body: { success: true, message: 'Email queued successfully', data: { emailId, status: 'queued' } },
      };
    },
  });
  return Object.assign(server, { received });
}
