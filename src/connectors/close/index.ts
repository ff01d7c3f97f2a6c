import type { Connector } from '../connector.ts';
import { checkCloseRequest } from './contract.ts';
import { closeManifest } from './manifest.ts';
import { classifyCloseResponse } from './response-policy.ts';

export { CLOSE_HOST, checkCloseRequest } from './contract.ts';
export {
  type CloseFake,
  type CloseFakeOptions,
  type CloseRecord,
  startCloseFake,
} from './fake.ts';
export { closeManifest, closeRegions } from './manifest.ts';
export { classifyCloseResponse, retryAfterMs } from './response-policy.ts';

export const close: Connector = {
  manifest: closeManifest,
  authenticate(credentials) {
    const apiKey = credentials.apiKey;
    if (typeof apiKey !== 'string' || apiKey === '') throw new Error('the Close card has no API key');
    return { authorization: `Basic ${Buffer.from(`${apiKey}:`, 'utf8').toString('base64')}` };
  },
  check: checkCloseRequest,
  // Close documents no idempotency key: the request goes as the code built it.
  prepare: (request) => request,
  classify: (response) => classifyCloseResponse(response),
};
