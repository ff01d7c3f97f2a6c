import { createHash } from 'node:crypto';
import type { TransformedRequest } from '../../sandbox/index.ts';
import type { Connector, IdempotencySeed } from '../connector.ts';
import { isJsonObject } from '../json-value.ts';
import { checkInngestRequest } from './contract.ts';
import { inngestManifest } from './manifest.ts';
import { classifyInngestResponse } from './response-policy.ts';

export { checkInngestRequest, INNGEST_MAX_EVENT_BYTES, INNGEST_MAX_EVENTS } from './contract.ts';
export {
  type InngestEvent,
  type InngestFake,
  type InngestFakeOptions,
  startInngestFake,
} from './fake.ts';
export { inngestManifest, inngestRegions } from './manifest.ts';
export { classifyInngestResponse } from './response-policy.ts';

/**
 * An event `id` that is the same on every retry of one message to one endpoint, so Inngest's 24 h dedup runs
 * nothing for the repeats: `sy-` and the base64url SHA-256 of the message and endpoint ids (and the index in an
 * array body).
 */
export function inngestEventId(seed: IdempotencySeed, index?: number): string {
  const input = `${seed.messageId}:${seed.endpointId}${index === undefined ? '' : `:${index}`}`;
  return `sy-${createHash('sha256').update(input).digest('base64url')}`;
}

function withId(event: unknown, id: string): unknown {
  if (!isJsonObject(event)) return event;
  return event.id === undefined || event.id === null ? { ...event, id } : event;
}

/** Sets a deterministic `id` on each event the code left without one. */
function prepareInngestRequest(request: TransformedRequest, seed: IdempotencySeed): TransformedRequest {
  const { payload } = request;
  if (Array.isArray(payload)) {
    return { ...request, payload: payload.map((event, index) => withId(event, inngestEventId(seed, index))) };
  }
  const prepared = withId(payload, inngestEventId(seed));
  return prepared === payload ? request : { ...request, payload: prepared };
}

export const inngest: Connector = {
  manifest: inngestManifest,
  /** The event key is in the pasted URL's path: no headers. */
  authenticate: () => ({}),
  check: checkInngestRequest,
  prepare: prepareInngestRequest,
  classify: (response) => classifyInngestResponse(response),
};
