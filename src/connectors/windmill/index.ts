import type { Connector } from '../connector.ts';
import { checkWindmillRequest } from './contract.ts';
import { windmillManifest } from './manifest.ts';
import { classifyWindmillResponse } from './response-policy.ts';

export { checkWindmillRequest, WINDMILL_MAX_BODY_BYTES } from './contract.ts';
export {
  startWindmillFake,
  type WindmillFake,
  type WindmillFakeOptions,
  type WindmillJob,
} from './fake.ts';
export { windmillManifest, windmillRegions } from './manifest.ts';
export { classifyWindmillResponse } from './response-policy.ts';

export const windmill: Connector = {
  manifest: windmillManifest,
  /** The token is in the pasted URL (`?token=`): no headers. */
  authenticate: () => ({}),
  check: checkWindmillRequest,
  /** Windmill has no idempotency field: the request is sent as built. */
  prepare: (request) => request,
  classify: (response) => classifyWindmillResponse(response),
};
