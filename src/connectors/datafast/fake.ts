import { bearerToken } from '../authorization-header.ts';
import { type FakeReply, type FakeServer, startFakeServer } from '../fake-server.ts';
import { RateWindow } from '../rate-window.ts';
import { BODY_MAX_BYTES, PAYMENTS_PATH, paymentProblems } from './contract.ts';

/** One payment the fake DataFast API recorded. */
export interface AcceptedCall {
  path: string;
  apiKey: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

export interface DatafastFake extends FakeServer {
  /** Payments recorded, once per transaction_id. */
  received: AcceptedCall[];
}

export interface DatafastFakeOptions {
  apiKeys: string[];
  /** The older DataFast page made `datafast_visitor_id` required; set this to emulate it. */
  requireVisitorId?: boolean;
  /** DataFast publishes no rate limit [unverified]; when set, requests past it in one second get 429. */
  rateLimitPerSecond?: number;
}

/** DataFast's error body is not in the reference [unverified]; the fake answers `{status: "error", error}`. */
const fail = (statusCode: number, message: string, headers?: Record<string, string>): FakeReply => ({
  statusCode,
  body: { status: 'error', error: { code: statusCode, message } },
  reason: message,
  ...(headers ? { headers } : {}),
});

/**
 * A stand-in for `datafa.st/api/v1/payments` on 127.0.0.1: Bearer keys, the payment contract of `contract.ts`
 * (400 on a malformed payment), and idempotency by `transaction_id` (a repeat answers 200 without recording twice).
 */
export async function startDatafastFake(options: DatafastFakeOptions): Promise<DatafastFake> {
  const received: AcceptedCall[] = [];
  const transactions = new Set<string>();
  const rate = new RateWindow(options.rateLimitPerSecond, 1000);

  const server = await startFakeServer({
    maxBodyBytes: BODY_MAX_BYTES,
    contentType: 'application/json',
    state: [received, transactions, rate],
    handle(request) {
      const { method, path, headers } = request;
      const apiKey = bearerToken(headers.authorization);
      if (!apiKey || !options.apiKeys.includes(apiKey)) return fail(401, 'Invalid API key');
      const scripted = request.scripted();
      if (scripted) return scripted;
      if (!rate.admit().admitted) return fail(429, 'Too many requests', { 'retry-after': '1' });
      if (path !== PAYMENTS_PATH) return fail(404, `Not found: ${path}`);
      if (method !== 'POST') return fail(405, `${method} is not allowed; use POST`);
      if (request.tooLarge) return fail(413, 'Request body too large');
      if (request.mediaType !== 'application/json') return fail(400, 'Content-Type must be application/json');
      const body = request.json(() => fail(400, 'Invalid JSON body'));
      const problems = paymentProblems(body, { requireVisitorId: options.requireVisitorId ?? false });
      if (problems.length > 0) {
        return fail(400, problems.map((p) => (p.field ? `${p.field}: ${p.message}` : p.message)).join('; '));
      }
      const payment = body as Record<string, unknown>;
      const transactionId = String(payment.transaction_id);
      const key = `${apiKey}\u0000${transactionId}`;
      if (transactions.has(key)) {
        return {
          statusCode: 200,
          body: {
            message: 'Payment already recorded (duplicate transaction_id)',
            transaction_id: transactionId,
          },
        };
      }
      transactions.add(key);
      received.push({ path, apiKey, headers, body: payment });
      return {
        statusCode: 200,
        body: { message: 'Payment recorded successfully', transaction_id: transactionId },
      };
    },
  });
  return Object.assign(server, { received });
}
