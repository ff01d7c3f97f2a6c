import type { Connector } from '../connector.ts';
import { checkAutosendRequest } from './contract.ts';
import { autosendManifest } from './manifest.ts';
import { classifyAutosendResponse } from './response-policy.ts';

export { AUTOSEND_HOST, checkAutosendRequest, SEND_URL } from './contract.ts';
export {
  type AcceptedCall,
  type AutosendFake,
  type AutosendFakeOptions,
  startAutosendFake,
} from './fake.ts';
export { autosendManifest, autosendRegions } from './manifest.ts';
export { classifyAutosendResponse } from './response-policy.ts';

export const autosend: Connector = {
  manifest: autosendManifest,
  authenticate(credentials) {
    const apiKey = credentials.apiKey;
    if (typeof apiKey !== 'string' || apiKey === '') throw new Error('the AutoSend card has no API key');
    // Bearer: [unverified] in destinations.md; AutoSend's API reference shows `Authorization: Bearer <key>`.
    return { authorization: `Bearer ${apiKey}` };
  },
  check: checkAutosendRequest,
  // AutoSend documents no idempotency key [unverified]; the request is sent unchanged.
  prepare: (request) => request,
  classify: classifyAutosendResponse,
};
