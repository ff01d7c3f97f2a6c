import { createHash } from 'node:crypto';
import type { TransformedRequest } from '../../sandbox/index.ts';
import type { Connector, ConnectorRegion, IdempotencySeed } from '../connector.ts';
import { isJsonObject } from '../json-value.ts';
import { checkCustomerioRequest, endpointOf } from './contract.ts';
import { customerioManifest } from './manifest.ts';
import { classifyCustomerioResponse } from './response-policy.ts';

export {
  CUSTOMERIO_EU_HOST,
  CUSTOMERIO_US_HOST,
  checkCustomerioRequest,
  type OperationProblem,
  operationProblems,
} from './contract.ts';
export {
  type CustomerioFake,
  type CustomerioSite,
  type RecordedOperation,
  startCustomerioFake,
} from './fake.ts';
export { customerioManifest, customerioRegions } from './manifest.ts';
export { classifyCustomerioResponse } from './response-policy.ts';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A 26-character ULID-shaped id (Crockford base32 of 128 bits, so the first character is 0–7) from a hash of
 * the message, the endpoint and the operation's place: the same on every retry, so Customer.io drops repeats.
 */
export function deterministicEventId(seed: IdempotencySeed, index?: number): string {
  const digest = createHash('sha256')
    .update(`switchyard:customerio\n${seed.messageId}\n${seed.endpointId}\n${index ?? 'entity'}`)
    .digest();
  let value = 0n;
  for (const byte of digest.subarray(0, 16)) value = (value << 8n) | BigInt(byte);
  let id = '';
  for (let i = 0; i < 26; i++) {
    id = CROCKFORD[Number(value & 31n)]! + id;
    value >>= 5n;
  }
  return id;
}

/** Person and object events carry the dedupe `id`; an `id` the code set (even an odd one) is kept as it is. */
function withEventId(op: unknown, seed: IdempotencySeed, index?: number): unknown {
  if (!isJsonObject(op) || op.action !== 'event' || op.id !== undefined) return op;
  if (op.type !== 'person' && op.type !== 'object') return op;
  return { ...op, id: deterministicEventId(seed, index) };
}

function prepareCustomerioRequest(request: TransformedRequest, seed: IdempotencySeed): TransformedRequest {
  let endpoint: ReturnType<typeof endpointOf>;
  try {
    endpoint = endpointOf(new URL(request.url).pathname);
  } catch {
    return request;
  }
  if (endpoint === 'entity') {
    const payload = withEventId(request.payload, seed);
    return payload === request.payload ? request : { ...request, payload };
  }
  if (endpoint === 'batch' && isJsonObject(request.payload) && Array.isArray(request.payload.batch)) {
    const batch = request.payload.batch.map((op, index) => withEventId(op, seed, index));
    if (batch.every((op, index) => op === (request.payload as { batch: unknown[] }).batch[index]))
      return request;
    return { ...request, payload: { ...request.payload, batch } };
  }
  return request;
}

function authenticateCustomerio(
  credentials: Record<string, string>,
  _region: ConnectorRegion,
): Record<string, string> {
  const { siteId, apiKey } = credentials;
  if (!siteId || !apiKey) {
    throw new Error('Customer.io needs both the Site ID and the API Key (Tracking API keys)');
  }
  return { authorization: `Basic ${Buffer.from(`${siteId}:${apiKey}`, 'utf8').toString('base64')}` };
}

export const customerio: Connector = {
  manifest: customerioManifest,
  authenticate: authenticateCustomerio,
  check: checkCustomerioRequest,
  prepare: prepareCustomerioRequest,
  classify: classifyCustomerioResponse,
};
