import type { Connector } from '../connector.ts';
import { checkDatafastRequest } from './contract.ts';
import { datafastManifest } from './manifest.ts';
import { classifyDatafastResponse } from './response-policy.ts';

export { checkDatafastRequest, DATAFAST_HOST, PAYMENTS_URL, ZERO_DECIMAL_CURRENCIES } from './contract.ts';
export {
  type AcceptedCall,
  type DatafastFake,
  type DatafastFakeOptions,
  startDatafastFake,
} from './fake.ts';
export { datafastManifest, datafastRegions } from './manifest.ts';
export { classifyDatafastResponse } from './response-policy.ts';

export const datafast: Connector = {
  manifest: datafastManifest,
  authenticate(credentials) {
    const apiKey = credentials.apiKey;
    if (typeof apiKey !== 'string' || apiKey === '') throw new Error('the DataFast card has no API key');
    // Bearer: [unverified] in destinations.md; DataFast's payments page says "Requires Bearer Token authentication".
    return { authorization: `Bearer ${apiKey}` };
  },
  check: checkDatafastRequest,
  // `transaction_id` (the payment id in the template) is DataFast's idempotency key; nothing to add.
  prepare: (request) => request,
  classify: classifyDatafastResponse,
};
