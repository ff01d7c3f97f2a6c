import type { Connector } from '../connector.ts';
import { checkSendgridRequest } from './contract.ts';
import { sendgridManifest } from './manifest.ts';
import { classifySendgridResponse } from './response-policy.ts';

export { checkSendgridRequest, mailProblems, SENDGRID_EU_HOST, SENDGRID_HOST } from './contract.ts';
export {
  type AcceptedMail,
  type SendgridFake,
  type SendgridFakeOptions,
  startSendgridFake,
} from './fake.ts';
export { sendgridManifest, sendgridRegions } from './manifest.ts';
export { classifySendgridResponse, retryAfterMs } from './response-policy.ts';

export const sendgrid: Connector = {
  manifest: sendgridManifest,
  authenticate(credentials) {
    const apiKey = credentials.apiKey;
    if (typeof apiKey !== 'string' || apiKey === '') throw new Error('the SendGrid card has no API key');
    // SendGrid answers 406 to a request without `Accept`, which the delivery engine does not send by itself.
    return { authorization: `Bearer ${apiKey}`, accept: 'application/json' };
  },
  check: checkSendgridRequest,
  // SendGrid has no idempotency key [unverified: destinations.md §4d], so the request goes as the code built it.
  prepare: (request) => request,
  classify: (response) => classifySendgridResponse(response),
};
