import { createHash } from 'node:crypto';
import type { TransformedRequest } from '../../sandbox/index.ts';
import type { Connector, IdempotencySeed } from '../connector.ts';
import { checkResendRequest } from './contract.ts';
import { resendManifest } from './manifest.ts';
import { classifyResendResponse } from './response-policy.ts';

export { checkResendRequest, RESEND_HOST } from './contract.ts';
export {
  type ResendFake,
  type ResendFakeOptions,
  type SentEmail,
  startResendFake,
} from './fake.ts';
export { resendManifest, resendRegions } from './manifest.ts';
export { classifyResendResponse, retryAfterMs } from './response-policy.ts';

/** The same on every retry of one message to one endpoint: `sy-` and a base64url SHA-256 (46 characters). */
export function resendIdempotencyKey(seed: IdempotencySeed): string {
  return `sy-${createHash('sha256').update(`switchyard:resend\n${seed.messageId}\n${seed.endpointId}`).digest('base64url')}`;
}

/** Adds `idempotency-key` unless the code set one (under any letter case). */
function prepareResendRequest(request: TransformedRequest, seed: IdempotencySeed): TransformedRequest {
  if (Object.keys(request.headers).some((name) => name.toLowerCase() === 'idempotency-key')) return request;
  return { ...request, headers: { ...request.headers, 'idempotency-key': resendIdempotencyKey(seed) } };
}

export const resend: Connector = {
  manifest: resendManifest,
  authenticate(credentials) {
    const apiKey = credentials.apiKey;
    if (typeof apiKey !== 'string' || apiKey === '') throw new Error('the Resend card has no API key');
    // The delivery engine always sends `user-agent: Switchyard/<version>`, which Resend requires.
    return { authorization: `Bearer ${apiKey}` };
  },
  check: checkResendRequest,
  prepare: prepareResendRequest,
  classify: (response) => classifyResendResponse(response),
};
