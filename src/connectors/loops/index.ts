import { createHash } from 'node:crypto';
import type { TransformedRequest } from '../../sandbox/index.ts';
import type { Connector, IdempotencySeed } from '../connector.ts';
import { checkLoopsRequest } from './contract.ts';
import { loopsManifest } from './manifest.ts';
import { classifyLoopsResponse } from './response-policy.ts';

export {
  checkLoopsRequest,
  EVENTS_URL,
  LOOPS_HOST,
  LOOPS_UNDOCUMENTED_HOST,
  TRANSACTIONAL_URL,
} from './contract.ts';
export {
  type AcceptedCall,
  type LoopsFake,
  type LoopsFakeOptions,
  startLoopsFake,
} from './fake.ts';
export { loopsManifest, loopsRegions } from './manifest.ts';
export { classifyLoopsResponse } from './response-policy.ts';

/** `sy-` and the base64url SHA-256 of message and endpoint: 46 characters, under Loops' 100. */
export function loopsIdempotencyKey(seed: IdempotencySeed): string {
  return `sy-${createHash('sha256').update(`loops:${seed.messageId}:${seed.endpointId}`).digest('base64url')}`;
}

/** Sets a deterministic `idempotency-key` header unless the code set one (in any letter case). */
function prepareLoopsRequest(request: TransformedRequest, seed: IdempotencySeed): TransformedRequest {
  if (Object.keys(request.headers).some((name) => name.toLowerCase() === 'idempotency-key')) return request;
  return { ...request, headers: { ...request.headers, 'idempotency-key': loopsIdempotencyKey(seed) } };
}

export const loops: Connector = {
  manifest: loopsManifest,
  authenticate(credentials) {
    const apiKey = credentials.apiKey;
    if (typeof apiKey !== 'string' || apiKey === '') throw new Error('the Loops card has no API key');
    return { authorization: `Bearer ${apiKey}` };
  },
  check: checkLoopsRequest,
  prepare: prepareLoopsRequest,
  classify: classifyLoopsResponse,
};
