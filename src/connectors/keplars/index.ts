import type { Connector } from '../connector.ts';
import { checkKeplarsRequest } from './contract.ts';
import { keplarsManifest } from './manifest.ts';
import { classifyKeplarsResponse } from './response-policy.ts';

export { checkKeplarsRequest, KEPLARS_HOST, SEND_URL } from './contract.ts';
export {
  type AcceptedCall,
  type KeplarsFake,
  type KeplarsFakeOptions,
  startKeplarsFake,
} from './fake.ts';
export { keplarsManifest, keplarsRegions } from './manifest.ts';
export { classifyKeplarsResponse } from './response-policy.ts';

export const keplars: Connector = {
  manifest: keplarsManifest,
  authenticate(credentials) {
    const apiKey = credentials.apiKey;
    if (typeof apiKey !== 'string' || apiKey === '') throw new Error('the Keplars card has no API key');
    // The Dodo page: the key "is sent automatically as a Bearer token".
    return { authorization: `Bearer ${apiKey}` };
  },
  check: checkKeplarsRequest,
  // Keplars documents no idempotency key [unverified]; the request is sent unchanged.
  prepare: (request) => request,
  classify: classifyKeplarsResponse,
};
