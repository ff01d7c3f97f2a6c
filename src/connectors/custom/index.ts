import type { TransformedRequest } from '../../sandbox/index.ts';
import type { Connector, ConnectorRegion, IdempotencySeed } from '../connector.ts';
import { checkCustomRequest } from './contract.ts';
import { CUSTOM_SCHEMES, type CustomScheme, customManifest } from './manifest.ts';
import { classifyCustomResponse } from './response-policy.ts';

export { CUSTOM_METHODS, checkCustomRequest, isLoopbackHost, MAX_BODY_BYTES } from './contract.ts';
export {
  type CustomApiAuth,
  type CustomApiFake,
  type CustomApiFakeOptions,
  type CustomApiRequest,
  startCustomApiFake,
} from './fake.ts';
export {
  CUSTOM_SCHEMES,
  type CustomScheme,
  customManifest,
  customRegion,
  PAYMENT_AND_SUBSCRIPTION_EVENTS,
} from './manifest.ts';
export { classifyCustomResponse } from './response-policy.ts';

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Headers the delivery itself sets or that would break the request; a credential may not replace them. */
const RESERVED_HEADERS = new Set([
  'content-type',
  'content-length',
  'host',
  'transfer-encoding',
  'connection',
  'user-agent',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
]);

function missing(credentials: Record<string, string>, ids: string[]): string[] {
  return ids.filter((id) => !credentials[id]);
}

/** A header value may not carry line breaks or other control characters (they would split the request). */
function checkValue(label: string, value: string): void {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\u0000-\u0008\u000a-\u001f\u007f]/.test(value)) {
    throw new Error(`${label} contains a line break or control character`);
  }
}

/**
 * The headers for the scheme the merchant picked. Throws, naming the fields, when the scheme's fields are
 * missing or unusable (the delivery engine records that as a credentials failure).
 */
export function authenticateCustom(
  credentials: Record<string, string>,
  _region: ConnectorRegion,
): Record<string, string> {
  const scheme = credentials.scheme as CustomScheme | undefined;
  if (!scheme || !(CUSTOM_SCHEMES as readonly string[]).includes(scheme)) {
    throw new Error(
      `the scheme must be one of ${CUSTOM_SCHEMES.join(', ')}, not ${scheme ? JSON.stringify(scheme) : 'missing'}`,
    );
  }
  const needs = { basic: ['username', 'password'], bearer: ['token'], header: ['headerName', 'headerValue'] }[
    scheme
  ];
  const absent = missing(credentials, needs);
  if (absent.length > 0) {
    throw new Error(`the ${scheme} scheme needs ${needs.join(' and ')}; missing: ${absent.join(', ')}`);
  }
  if (scheme === 'basic') {
    const { username, password } = credentials as { username: string; password: string };
    if (username.includes(':')) throw new Error('the Basic username may not contain a colon');
    checkValue('the username', username);
    checkValue('the password', password);
    return { authorization: `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}` };
  }
  if (scheme === 'bearer') {
    checkValue('the token', credentials.token!);
    return { authorization: `Bearer ${credentials.token!}` };
  }
  const name = credentials.headerName!.toLowerCase();
  if (!TOKEN.test(name)) throw new Error(`${JSON.stringify(credentials.headerName)} is not a header name`);
  if (RESERVED_HEADERS.has(name)) {
    throw new Error(`the header name ${credentials.headerName} is set by the delivery itself: pick another`);
  }
  checkValue('the header value', credentials.headerValue!);
  return { [name]: credentials.headerValue! };
}

/** The merchant's API has no idempotency field Switchyard knows; its `webhook-id` header is the dedupe key. */
function prepareCustomRequest(request: TransformedRequest, _seed: IdempotencySeed): TransformedRequest {
  return request;
}

export const custom: Connector = {
  manifest: customManifest,
  authenticate: authenticateCustom,
  check: checkCustomRequest,
  prepare: prepareCustomRequest,
  classify: classifyCustomResponse,
};
