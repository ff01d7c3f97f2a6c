import type { TransformedRequest } from '../../sandbox/index.ts';
import type { Connector, ConnectorRegion, IdempotencySeed } from '../connector.ts';
import { checkWebhookRequest } from './contract.ts';
import { webhookManifest } from './manifest.ts';
import { classifyWebhookResponse } from './response-policy.ts';

export { checkWebhookRequest, MAX_BODY_BYTES } from './contract.ts';
export {
  type ReceivedWebhook,
  signatureProblem,
  startWebhookReceiverFake,
  type WebhookReceiverFake,
  type WebhookReceiverFakeOptions,
} from './fake.ts';
export { PAYMENT_AND_SUBSCRIPTION_EVENTS, webhookManifest, webhookRegion } from './manifest.ts';
export { classifyWebhookResponse } from './response-policy.ts';

/** No credentials: the Standard Webhooks signature, added by the delivery, is the authentication. */
function authenticateWebhook(
  _credentials: Record<string, string>,
  _region: ConnectorRegion,
): Record<string, string> {
  return {};
}

/** The receiver deduplicates on the `webhook-id` header, constant across retries; nothing to add. */
function prepareWebhookRequest(request: TransformedRequest, _seed: IdempotencySeed): TransformedRequest {
  return request;
}

export const webhook: Connector = {
  manifest: webhookManifest,
  authenticate: authenticateWebhook,
  check: checkWebhookRequest,
  prepare: prepareWebhookRequest,
  classify: classifyWebhookResponse,
};
