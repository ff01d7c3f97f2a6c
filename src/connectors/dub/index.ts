import type { Connector } from '../connector.ts';
import { checkDubRequest } from './contract.ts';
import { dubManifest } from './manifest.ts';
import { classifyDubResponse } from './response-policy.ts';

export { checkDubRequest, DUB_MAX_BODY_BYTES } from './contract.ts';
export { type DubFake, type DubFakeOptions, type DubSale, startDubFake } from './fake.ts';
export { DUB_TRACK_SALE_URL, dubManifest, dubRegions } from './manifest.ts';
export { classifyDubResponse } from './response-policy.ts';

export const dub: Connector = {
  manifest: dubManifest,
  /** Bearer **[unverified]** (destinations.md §4f), as Dub's API reference shows. */
  authenticate(credentials) {
    const apiKey = credentials.apiKey;
    if (typeof apiKey !== 'string' || apiKey === '') throw new Error('the Dub card has no API key');
    return { authorization: `Bearer ${apiKey}` };
  },
  check: checkDubRequest,
  /**
   * Dub has no idempotency header; the template's `invoiceId` (the payment id) identifies the sale, so the
   * request is sent as built.
   */
  prepare: (request) => request,
  classify: (response) => classifyDubResponse(response),
};
