import { bearerToken } from '../authorization-header.ts';
import { type FakeReply, type FakeServer, startFakeServer } from '../fake-server.ts';
import { RateWindow } from '../rate-window.ts';
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

export interface DubFake extends FakeServer {
  readonly sales: readonly DubSale[];
  readonly duplicates: readonly DubSale[];
}

/** Dub's error shape; the refusal is logged under its code. */
function error(
  statusCode: number,
  code: string,
  message: string,
  headers?: Record<string, string>,
): FakeReply {
  return {
    statusCode,
    body: {
      error: {
        code,
        message,
        doc_url: `https://dub.co/docs/api-reference/errors#${code.replace(/_/g, '-')}`,
      },
    },
    reason: code,
    ...(headers ? { headers } : {}),
  };
}

export async function startDubFake(options: DubFakeOptions): Promise<DubFake> {
  const sales: DubSale[] = [];
  const duplicates: DubSale[] = [];
  const invoices = new Set<string>();
  const rate = new RateWindow(options.rateLimitPerSecond, 1000);

  const server = await startFakeServer({
    maxBodyBytes: DUB_MAX_BODY_BYTES,
    contentType: 'application/json',
    state: [sales, duplicates, invoices, rate],
    handle(request) {
      const { method, path } = request;
      if (method !== 'POST' || path !== '/track/sale') {
        return error(404, 'not_found', `The requested endpoint ${method} ${path} does not exist.`);
      }
      const key = bearerToken(request.headers.authorization);
      if (key === undefined) return error(401, 'unauthorized', 'Missing Authorization header.');
      if (options.readOnlyKeys?.includes(key)) {
        return error(
          403,
          'forbidden',
          'The provided API key does not have the required permissions: conversions.write',
        );
      }
      if (!options.apiKeys.includes(key)) return error(401, 'unauthorized', 'Unauthorized: Invalid API key.');
      const admitted = rate.admit();
      if (!admitted.admitted) {
        return error(429, 'rate_limit_exceeded', "You've exceeded the rate limit.", {
          'retry-after': '1',
          'x-ratelimit-limit': String(options.rateLimitPerSecond),
          'x-ratelimit-remaining': '0',
          'x-ratelimit-reset': String(Math.ceil((Date.now() + admitted.resetMs) / 1000)),
        });
      }
      const scripted = request.scripted();
      if (scripted) return scripted;
      if (request.tooLarge) return error(413, 'payload_too_large', 'Request body exceeds the 4.5 MB limit.');
      const body = request.json(() => error(400, 'bad_request', 'Invalid JSON body.'));
      const problems = saleProblems(body);
      if (problems.length > 0) {
        return error(
          422,
          'unprocessable_entity',
          problems.map((p) => `${p.field.replace(/^payload\.?/, '') || 'body'}: ${p.message}`).join('; '),
        );
      }
      const sale = body as Record<string, unknown>;
      const recorded: DubSale = { apiKey: key, body: sale, headers: request.headers };
      const invoice = typeof sale.invoiceId === 'string' ? `${key}:${sale.invoiceId}` : undefined;
      if (invoice !== undefined && invoices.has(invoice)) duplicates.push(recorded);
      else {
        if (invoice !== undefined) invoices.add(invoice);
        sales.push(recorded);
      }
      return {
        statusCode: 200,
        body: {
          eventName: sale.eventName ?? 'Purchase',
          customer: { externalId: sale.customerExternalId },
          sale: {
            amount: sale.amount,
            currency: String(sale.currency ?? 'usd').toLowerCase(),
            paymentProcessor: sale.paymentProcessor ?? 'custom',
            invoiceId: sale.invoiceId ?? null,
            metadata: sale.metadata ?? null,
          },
        },
      };
    },
  });
  return Object.assign(server, { sales, duplicates });
}
