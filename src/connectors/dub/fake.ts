import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DUB_MAX_BODY_BYTES, saleProblems } from './contract.ts';

/**
 * A stand-in for Dub's `POST /track/sale` on 127.0.0.1 (destinations.md §4f; error shapes from Dub's API
 * reference **[unverified]**):
 * - `Authorization: Bearer <key>`: missing or unknown → 401; a key without `conversions.write` → 403; errors are
 *   `{"error":{"code","message","doc_url"}}`;
 * - a body that is not JSON → 400 `bad_request`; missing `customerExternalId`, a non-integer `amount`, … → 422
 *   `unprocessable_entity`; over 4.5 MB → 413;
 * - success: 200 `{eventName, customer, sale}`; a repeated `invoiceId` is answered 200 and not recorded again;
 * - past `rateLimitPerSecond` → 429 `rate_limit_exceeded` with `Retry-After` and `X-RateLimit-*`.
 * Other paths → 404 `not_found`.
 */

export interface DubFakeOptions {
  /** Keys with `conversions.write`. */
  apiKeys: string[];
  /** Valid keys without `conversions.write`. */
  readOnlyKeys?: string[];
  rateLimitPerSecond?: number;
}

export interface DubSale {
  apiKey: string;
  body: Record<string, unknown>;
  headers: Record<string, string>;
}

export interface DubRejected {
  path: string;
  statusCode: number;
  code: string;
}

export interface DubFake {
  url: string;
  readonly sales: readonly DubSale[];
  readonly duplicates: readonly DubSale[];
  readonly rejected: readonly DubRejected[];
  reset(): void;
  close(): Promise<void>;
}

export async function startDubFake(options: DubFakeOptions): Promise<DubFake> {
  const sales: DubSale[] = [];
  const duplicates: DubSale[] = [];
  const rejected: DubRejected[] = [];
  const invoices = new Set<string>();
  let windowStart = 0;
  let windowCount = 0;

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let overflow = false;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > DUB_MAX_BODY_BYTES) overflow = true;
      else chunks.push(chunk);
    });
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://fake').pathname;
      const send = (statusCode: number, body: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(statusCode, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      };
      const error = (statusCode: number, code: string, message: string, headers?: Record<string, string>) => {
        rejected.push({ path, statusCode, code });
        send(
          statusCode,
          {
            error: {
              code,
              message,
              doc_url: `https://dub.co/docs/api-reference/errors#${code.replace(/_/g, '-')}`,
            },
          },
          headers,
        );
      };
      if (req.method !== 'POST' || path !== '/track/sale') {
        return error(404, 'not_found', `The requested endpoint ${req.method} ${path} does not exist.`);
      }
      const key = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
      if (key === undefined) return error(401, 'unauthorized', 'Missing Authorization header.');
      if (options.readOnlyKeys?.includes(key)) {
        return error(
          403,
          'forbidden',
          'The provided API key does not have the required permissions: conversions.write',
        );
      }
      if (!options.apiKeys.includes(key)) return error(401, 'unauthorized', 'Unauthorized: Invalid API key.');
      if (options.rateLimitPerSecond !== undefined) {
        const now = Date.now();
        if (now - windowStart >= 1000) {
          windowStart = now;
          windowCount = 0;
        }
        windowCount += 1;
        if (windowCount > options.rateLimitPerSecond) {
          return error(429, 'rate_limit_exceeded', "You've exceeded the rate limit.", {
            'retry-after': '1',
            'x-ratelimit-limit': String(options.rateLimitPerSecond),
            'x-ratelimit-remaining': '0',
            'x-ratelimit-reset': String(Math.ceil((windowStart + 1000) / 1000)),
          });
        }
      }
      if (overflow) return error(413, 'payload_too_large', 'Request body exceeds the 4.5 MB limit.');
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return error(400, 'bad_request', 'Invalid JSON body.');
      }
      const problems = saleProblems(body);
      if (problems.length > 0) {
        return error(
          422,
          'unprocessable_entity',
          problems.map((p) => `${p.field.replace(/^payload\.?/, '') || 'body'}: ${p.message}`).join('; '),
        );
      }
      const sale = body as Record<string, unknown>;
      const recorded: DubSale = {
        apiKey: key,
        body: sale,
        headers: Object.fromEntries(
          Object.entries(req.headers).map(([name, value]) => [
            name,
            Array.isArray(value) ? value.join(', ') : (value ?? ''),
          ]),
        ),
      };
      const invoice = typeof sale.invoiceId === 'string' ? `${key}:${sale.invoiceId}` : undefined;
      if (invoice !== undefined && invoices.has(invoice)) duplicates.push(recorded);
      else {
        if (invoice !== undefined) invoices.add(invoice);
        sales.push(recorded);
      }
      return send(200, {
        eventName: sale.eventName ?? 'Purchase',
        customer: { externalId: sale.customerExternalId },
        sale: {
          amount: sale.amount,
          currency: String(sale.currency ?? 'usd').toLowerCase(),
          paymentProcessor: sale.paymentProcessor ?? 'custom',
          invoiceId: sale.invoiceId ?? null,
          metadata: sale.metadata ?? null,
        },
      });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    sales,
    duplicates,
    rejected,
    reset() {
      sales.length = 0;
      duplicates.length = 0;
      rejected.length = 0;
      invoices.clear();
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      });
    },
  };
}
