import { createHash } from 'node:crypto';
import type { TransformedRequest } from '../../sandbox/index.ts';
import type { Connector, IdempotencySeed } from '../connector.ts';
import { isJsonObject } from '../json-value.ts';
import { checkSegmentRequest } from './contract.ts';
import { segmentManifest } from './manifest.ts';
import { classifySegmentResponse } from './response-policy.ts';

export { checkSegmentRequest } from './contract.ts';
export {
  type AcceptedCall,
  type DroppedCall,
  type SegmentFake,
  type SegmentFakeOptions,
  startSegmentFake,
} from './fake.ts';
export { segmentManifest, segmentRegions } from './manifest.ts';
export { classifySegmentResponse } from './response-policy.ts';

/**
 * A `messageId` that is the same on every retry of one message to one endpoint, so Segment's ~24 h dedup drops
 * the repeats: `sy-` and the base64url SHA-256 of the message and endpoint ids (46 characters, under 100).
 */
export function segmentMessageId(seed: IdempotencySeed, index?: number): string {
  const input = `${seed.messageId}:${seed.endpointId}${index === undefined ? '' : `:${index}`}`;
  return `sy-${createHash('sha256').update(input).digest('base64url')}`;
}

function withMessageId(call: Record<string, unknown>, messageId: string): Record<string, unknown> {
  return call.messageId === undefined || call.messageId === null ? { ...call, messageId } : call;
}

function isBatchUrl(url: string): boolean {
  try {
    const { pathname } = new URL(url);
    return pathname === '/v1/batch' || pathname === '/v1/import';
  } catch {
    return false;
  }
}

/** Sets a deterministic `messageId` where the code left none: on the call, or on each batch item by its index. */
function prepareSegmentRequest(request: TransformedRequest, seed: IdempotencySeed): TransformedRequest {
  const { payload } = request;
  if (!isJsonObject(payload)) return request;
  if (isBatchUrl(request.url)) {
    if (!Array.isArray(payload.batch)) return request;
    const batch = payload.batch.map((item: unknown, index) =>
      isJsonObject(item) ? withMessageId(item, segmentMessageId(seed, index)) : item,
    );
    return { ...request, payload: { ...payload, batch } };
  }
  const prepared = withMessageId(payload, segmentMessageId(seed));
  return prepared === payload ? request : { ...request, payload: prepared };
}

export const segment: Connector = {
  manifest: segmentManifest,
  authenticate(credentials) {
    const writeKey = credentials.writeKey;
    if (typeof writeKey !== 'string' || writeKey === '') {
      throw new Error('the Segment card has no Write Key');
    }
    return { authorization: `Basic ${Buffer.from(`${writeKey}:`, 'utf8').toString('base64')}` };
  },
  check: checkSegmentRequest,
  prepare: prepareSegmentRequest,
  classify: (response) => classifySegmentResponse(response),
};
