import type { Connector } from '../connector.ts';
import { checkN8nRequest } from './contract.ts';
import { n8nManifest } from './manifest.ts';
import { classifyN8nResponse } from './response-policy.ts';

export { checkN8nRequest, N8N_MAX_BODY_BYTES } from './contract.ts';
export {
  type N8nFake,
  type N8nFakeOptions,
  type N8nReceived,
  startN8nFake,
} from './fake.ts';
export { n8nManifest, n8nRegions } from './manifest.ts';
export { classifyN8nResponse } from './response-policy.ts';

export const n8n: Connector = {
  manifest: n8nManifest,
  /** The Webhook node's URL is the secret: no headers. */
  authenticate: () => ({}),
  check: checkN8nRequest,
  /** n8n has no idempotency field: the request is sent as built. */
  prepare: (request) => request,
  classify: (response) => classifyN8nResponse(response),
};
