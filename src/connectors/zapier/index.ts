import type { TransformedRequest } from '../../sandbox/index.ts';
import type { Connector, ConnectorRegion, IdempotencySeed } from '../connector.ts';
import { checkZapierRequest } from './contract.ts';
import { zapierManifest } from './manifest.ts';
import { classifyZapierResponse } from './response-policy.ts';

export {
  checkZapierRequest,
  MAX_BODY_BYTES,
  ZAPIER_HOST,
  ZAPIER_METHODS,
  ZAPIER_PATH,
  zapierPayloadProblems,
} from './contract.ts';
export {
  startZapierFake,
  type ZapierFake,
  type ZapierFakeOptions,
  type ZapierRequest,
} from './fake.ts';
export { zapierManifest, zapierRegions } from './manifest.ts';
export { classifyZapierResponse } from './response-policy.ts';

/** The pasted catch-hook URL is the credential: no headers. */
function authenticateZapier(
  _credentials: Record<string, string>,
  _region: ConnectorRegion,
): Record<string, string> {
  return {};
}

/** Zapier catch hooks have no idempotency field: the request goes as built. */
function prepareZapierRequest(request: TransformedRequest, _seed: IdempotencySeed): TransformedRequest {
  return request;
}

export const zapier: Connector = {
  manifest: zapierManifest,
  authenticate: authenticateZapier,
  check: checkZapierRequest,
  prepare: prepareZapierRequest,
  classify: classifyZapierResponse,
};
