import type { Connector } from '../connector.ts';
import { checkMailerliteRequest } from './contract.ts';
import { mailerliteManifest } from './manifest.ts';
import { classifyMailerliteResponse } from './response-policy.ts';

export { checkMailerliteRequest, MAILERLITE_HOST, SUBSCRIBERS_URL } from './contract.ts';
export {
  type AcceptedCall,
  type MailerliteFake,
  type MailerliteFakeOptions,
  type StoredSubscriber,
  startMailerliteFake,
} from './fake.ts';
export { mailerliteManifest, mailerliteRegions } from './manifest.ts';
export { classifyMailerliteResponse } from './response-policy.ts';

export const mailerlite: Connector = {
  manifest: mailerliteManifest,
  authenticate(credentials) {
    const apiKey = credentials.apiKey;
    if (typeof apiKey !== 'string' || apiKey === '') throw new Error('the MailerLite card has no API token');
    // Bearer [unverified in destinations.md]; MailerLite's Getting started page shows `Authorization: Bearer`.
    return { authorization: `Bearer ${apiKey}` };
  },
  check: checkMailerliteRequest,
  // MailerLite has no idempotency key; a create is an upsert, so a retried delivery does not duplicate.
  prepare: (request) => request,
  classify: classifyMailerliteResponse,
};
