import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BODY_MAX_BYTES, mailProblems, SEND_PATH } from './contract.ts';

/** One email the fake AutoSend API queued. */
export interface AcceptedCall {
  path: string;
  apiKey: string;
  emailId: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export interface ScriptedResponse {
  statusCode: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface AutosendFake {
  url: string;
  received: AcceptedCall[];
  requests: {
    method: string;
    path: string;
    statusCode: number;
    headers: Record<string, string>;
    body: string;
  }[];
  respondWith(...responses: ScriptedResponse[]): void;
  reset(): void;
  close(): Promise<void>;
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

interface Reply {
  statusCode: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** AutoSend's error body is not in the reference [unverified]; the fake mirrors its success shape. */
const fail = (statusCode: number, message: string, headers?: Record<string, string>): Reply => ({
  statusCode,
  body: { success: false, message },
  ...(headers ? { headers } : {}),
});

/**
 * A stand-in for `api.autosend.com/v1/mails/send` on 127.0.0.1: Bearer keys, the mail contract of `contract.ts`
 * (400 on a malformed email), 403 for an unverified sender domain, 404 for an unknown template, and
 * `{success: true, message: "Email queued successfully", data: {emailId, status: "queued"}}`.
 */
export async function startAutosendFake(options: AutosendFakeOptions): Promise<AutosendFake> {
  const received: AcceptedCall[] = [];
  const requests: AutosendFake['requests'] = [];
  const scripted: ScriptedResponse[] = [];
  let window = { second: 0, count: 0 };

  function handle(method: string, path: string, headers: Record<string, string>, raw: Buffer): Reply {
    const apiKey = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '')?.[1];
    if (!apiKey || !options.apiKeys.includes(apiKey)) return fail(401, 'Invalid or missing API key');
    const next = scripted.shift();
    if (next) return { statusCode: next.statusCode, body: next.body ?? '', headers: next.headers ?? {} };
    if (options.rateLimitPerSecond !== undefined) {
      const second = Math.floor(Date.now() / 1000);
      if (window.second !== second) window = { second, count: 0 };
      if (++window.count > options.rateLimitPerSecond)
        return fail(429, 'Too many requests', { 'retry-after': '1' });
    }
    if (path !== SEND_PATH) return fail(404, `Not found: ${path}`);
    if (method !== 'POST') return fail(405, `${method} is not allowed; use POST`);
    if (raw.length > BODY_MAX_BYTES) return fail(413, 'Request body too large');
    if (!/^application\/json\s*(;|$)/i.test(headers['content-type'] ?? '')) {
      return fail(400, 'Content-Type must be application/json');
    }
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return fail(400, 'Invalid JSON body');
    }
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
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size - chunk.length <= BODY_MAX_BYTES) chunks.push(chunk);
    });
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const path = new URL(req.url ?? '/', 'http://fake').pathname;
      const method = req.method ?? 'GET';
      const headers = Object.fromEntries(
        Object.entries(req.headers).map(([name, value]) => [
          name,
          Array.isArray(value) ? value.join(', ') : (value ?? ''),
        ]),
      );
      const reply = handle(method, path, headers, raw);
      const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
      requests.push({ method, path, statusCode: reply.statusCode, headers, body: raw.toString('utf8') });
      res.writeHead(reply.statusCode, { 'content-type': 'application/json', ...reply.headers });
      res.end(text);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    received,
    requests,
    respondWith(...responses) {
      scripted.push(...responses);
    },
    reset() {
      received.length = 0;
      requests.length = 0;
      scripted.length = 0;
      window = { second: 0, count: 0 };
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      });
    },
  };
}
