import { isIP } from 'node:net';
import { Agent, buildConnector, errors, request } from 'undici';
import { BlockedDestinationError, type NetworkPolicy } from './network-policy.ts';

/** Svix keeps the first 20,000 bytes of a response; so do we. */
export const RESPONSE_BODY_LIMIT = 20 * 1024;

export type TransportErrorClass = 'dns' | 'connect' | 'tls' | 'timeout' | 'blocked' | 'network';

export interface OutboundRequest {
  url: string;
  method: 'POST' | 'PUT' | 'PATCH';
  headers: Record<string, string>;
  body: string;
}

export interface SendResult {
  /** 0 when no response came. */
  statusCode: number;
  /** The response body's first 20 KiB, or the transport error's text. */
  body: string;
  durationMs: number;
  headers: Record<string, string>;
  errorClass?: TransportErrorClass;
}

export interface HttpSenderOptions {
  policy: NetworkPolicy;
  timeoutMs: number;
  userAgent: string;
  /** Sockets per origin; keep-alive pools are per origin. */
  connectionsPerOrigin?: number;
  /**
   * Sends a host's traffic to another origin (a local fake of a vendor API, in tests and demos). The path
   * and query stay; the network policy still applies to where the request really goes.
   */
  destinationOverrides?: Map<string, string>;
}

export interface HttpSender {
  send(request: OutboundRequest): Promise<SendResult>;
  close(): Promise<void>;
}

const TLS_CODES = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|HOSTNAME_MISMATCH)/;

function classify(error: unknown): TransportErrorClass {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    if (e instanceof BlockedDestinationError) return 'blocked';
    const code = String((e as { code?: unknown }).code ?? '');
    const name = (e as { name?: unknown }).name;
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'ENODATA') return 'dns';
    if (TLS_CODES.test(code)) return 'tls';
    if (
      name === 'TimeoutError' ||
      name === 'AbortError' ||
      e instanceof errors.ConnectTimeoutError ||
      e instanceof errors.HeadersTimeoutError ||
      e instanceof errors.BodyTimeoutError
    ) {
      return 'timeout';
    }
    if (['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE'].includes(code))
      return 'connect';
  }
  return 'network';
}

function describe(error: unknown, errorClass: TransportErrorClass, timeoutMs: number): string {
  if (errorClass === 'timeout') return `no response within ${timeoutMs} ms`;
  const message = error instanceof Error ? error.message : String(error);
  const cause = (error as { cause?: { message?: string } }).cause?.message;
  return cause && cause !== message ? `${message}: ${cause}` : message;
}

/** Moves URL userinfo into a Basic Authorization header, as receivers expect of `https://user:pass@host/`. */
function splitUserinfo(
  rawUrl: string,
  headers: Record<string, string>,
): { url: string; headers: Record<string, string> } {
  const url = new URL(rawUrl);
  if (!url.username && !url.password) return { url: rawUrl, headers };
  const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  url.username = '';
  url.password = '';
  const hasAuthorization = Object.keys(headers).some((h) => h.toLowerCase() === 'authorization');
  return {
    url: url.toString(),
    headers: hasAuthorization
      ? headers
      : { ...headers, authorization: `Basic ${Buffer.from(credentials).toString('base64')}` },
  };
}

function overrideDestination(url: string, overrides: Map<string, string> | undefined): string {
  if (!overrides?.size) return url;
  const parsed = new URL(url);
  const target = overrides.get(parsed.host) ?? overrides.get(parsed.hostname);
  if (!target) return url;
  const replacement = new URL(target);
  parsed.protocol = replacement.protocol;
  parsed.host = replacement.host;
  return parsed.toString();
}

async function readCapped(body: AsyncIterable<Buffer> & { destroy(): void }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= RESPONSE_BODY_LIMIT) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, RESPONSE_BODY_LIMIT).toString('utf8');
}

/**
 * Sends webhooks over keep-alive pools. Every connection goes through the network policy with the address
 * actually dialled (after DNS), so a name that resolves or re-resolves to a private address is refused;
 * redirects are never followed, so there is no other hop.
 */
export function createHttpSender(options: HttpSenderOptions): HttpSender {
  const connectTimeout = Math.min(options.timeoutMs, 10_000);
  const baseConnect = buildConnector({ timeout: connectTimeout });
  const agent = new Agent({
    connections: options.connectionsPerOrigin ?? 64,
    keepAliveTimeout: 30_000,
    headersTimeout: options.timeoutMs,
    bodyTimeout: options.timeoutMs,
    connect: (connectOptions, callback) => {
      options.policy.resolveAllowed(connectOptions.hostname).then(
        (address) =>
          baseConnect(
            {
              ...connectOptions,
              hostname: address,
              servername:
                connectOptions.servername ??
                (isIP(connectOptions.hostname) ? undefined : connectOptions.hostname),
            },
            callback,
          ),
        (error: Error) => callback(error, null),
      );
    },
  });

  return {
    async send(outbound) {
      const started = performance.now();
      const elapsed = () => Math.round(performance.now() - started);
      // A timer of the request's own, cleared when it ends: AbortSignal.timeout() leaves every request's timer
      // in place for the whole timeout (five minutes by default), hundreds of thousands of them under load.
      const deadline = new AbortController();
      const timer = setTimeout(
        () => deadline.abort(new DOMException('the delivery timed out', 'TimeoutError')),
        options.timeoutMs,
      );
      try {
        const { url: requested, headers } = splitUserinfo(outbound.url, outbound.headers);
        const url = overrideDestination(requested, options.destinationOverrides);
        options.policy.checkUrl(new URL(url));
        const response = await request(url, {
          method: outbound.method,
          headers: { 'user-agent': options.userAgent, ...headers },
          body: outbound.body,
          dispatcher: agent,
          signal: deadline.signal,
        });
        const body = await readCapped(response.body);
        const responseHeaders: Record<string, string> = {};
        for (const [name, value] of Object.entries(response.headers)) {
          if (value !== undefined) responseHeaders[name] = Array.isArray(value) ? value.join(', ') : value;
        }
        return { statusCode: response.statusCode, body, durationMs: elapsed(), headers: responseHeaders };
      } catch (error) {
        const errorClass = classify(error);
        return {
          statusCode: 0,
          body: describe(error, errorClass, options.timeoutMs),
          durationMs: elapsed(),
          headers: {},
          errorClass,
        };
      } finally {
        clearTimeout(timer);
      }
    },
    close: () => agent.close(),
  };
}
