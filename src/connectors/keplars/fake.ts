import { randomUUID } from 'node:crypto';
import { bearerToken } from '../authorization-header.ts';
import { type FakeReply, type FakeServer, startFakeServer } from '../fake-server.ts';
import { RateWindow } from '../rate-window.ts';
import { BODY_MAX_BYTES, SEND_PATHS, sendProblems } from './contract.ts';

/** One email the fake Keplars API queued. */
export interface AcceptedCall {
  path: string;
  apiKey: string;
  jobId: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export interface KeplarsFake extends FakeServer {
  received: AcceptedCall[];
}

export interface KeplarsFakeOptions {
  apiKeys: string[];
  /** Sender domains verified in the account; a `from` elsewhere gets 403. */
  verifiedDomains: string[];
  /** Active template ids; an unknown `template_id` gets 404 "Template not found". */
  templates?: string[];
  /** Keplars publishes no rate limit [unverified]; when set, requests past it in one second get 429. */
  rateLimitPerSecond?: number;
}

/** Keplars' error body is not documented [unverified]; the fake answers `{success: false, error}`. */
const fail = (statusCode: number, error: string, headers?: Record<string, string>): FakeReply => ({
  statusCode,
  body: { success: false, error },
  reason: error,
  ...(headers ? { headers } : {}),
});

/**
 * A stand-in for `api.keplars.com` on 127.0.0.1: Bearer keys, the `send-email/{priority}` routes with the contract
 * of `contract.ts` (400 on a malformed body), 403 for an unverified sender, 404 for an unknown template, and
 * `{success: true, data: {job_id}}` when the email is queued.
 */
export async function startKeplarsFake(options: KeplarsFakeOptions): Promise<KeplarsFake> {
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
      if (!(SEND_PATHS as readonly string[]).includes(path)) return fail(404, `Route not found: ${path}`);
      if (method !== 'POST') return fail(405, `${method} is not allowed; use POST`);
      if (request.tooLarge) return fail(413, 'Request body too large');
      if (request.mediaType !== 'application/json') return fail(400, 'Content-Type must be application/json');
      const body = request.json(() => fail(400, 'Invalid JSON body'));
      const problems = sendProblems(body);
      if (problems.length > 0) {
        return fail(400, problems.map((p) => (p.field ? `${p.field}: ${p.message}` : p.message)).join('; '));
      }
      const email = body as Record<string, unknown>;
      const domain = String(email.from).split('@')[1]?.toLowerCase();
      if (!domain || !options.verifiedDomains.map((d) => d.toLowerCase()).includes(domain)) {
        return fail(403, `Sender ${String(email.from)} is not on a verified domain`);
      }
      if (email.template_id !== undefined && !(options.templates ?? []).includes(String(email.template_id))) {
        return fail(404, 'Template not found');
      }
      const jobId = randomUUID();
      received.push({ path, apiKey, jobId, headers, body: email });
      return { statusCode: 200, body: { success: true, data: { job_id: jobId } } };
    },
  });
  return Object.assign(server, { received });
}
