import type { Connector } from '../connector.ts';
import { checkHubspotRequest } from './contract.ts';
import { hubspotManifest } from './manifest.ts';
import { readHubspotTokenResponse } from './oauth.ts';
import { classifyHubspotResponse } from './response-policy.ts';

export { checkHubspotRequest, HUBSPOT_HOST, routeOf } from './contract.ts';
export {
  DEFAULT_DEAL_STAGES,
  DEFAULT_PROPERTIES,
  type HubspotFake,
  type HubspotFakeOptions,
  type HubspotObject,
  type RecordedCall,
  startHubspotFake,
} from './fake.ts';
export { hubspotManifest, hubspotRegions } from './manifest.ts';
export { hubspotOAuth, readHubspotTokenResponse } from './oauth.ts';
export { classifyHubspotResponse, retryAfterMs } from './response-policy.ts';

export const hubspot: Connector = {
  manifest: hubspotManifest,
  authenticate(credentials) {
    const token = credentials.accessToken;
    if (typeof token !== 'string' || token === '')
      throw new Error('the HubSpot card has no private app access token');
    return { authorization: `Bearer ${token}` };
  },
  check: checkHubspotRequest,
  // HubSpot's CRM create endpoints take no idempotency key; the contact template upserts by email, which is
  // idempotent, and a repeated contact create answers 409 "already exists", counted as success.
  prepare: (request) => request,
  classify: (response) => classifyHubspotResponse(response),
  oauth: { readTokenResponse: readHubspotTokenResponse },
};
