import { eventCatalog } from '../../catalog/index.ts';
import type { ConnectorManifest, ConnectorRegion, ConnectorTemplate } from '../connector.ts';

/** A plain webhook goes to whatever URL the merchant enters and carries no credentials: no hosts to list. */
export const webhookRegion: ConnectorRegion = { id: 'default', label: 'Your endpoint', hosts: [] };

/** Every payment and subscription event of the catalog. */
export const PAYMENT_AND_SUBSCRIPTION_EVENTS: string[] = eventCatalog
  .map((definition) => definition.name)
  .filter((name) => name.startsWith('payment.') || name.startsWith('subscription.'));

/** An original abstract mark: a signed envelope with a check. */
const LOGO = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" width="32" height="32" role="img" aria-label="Webhook">
<rect width="32" height="32" rx="8" fill="#0F3D3E"/>
<rect x="6" y="9" width="20" height="14" rx="2" fill="none" stroke="#A7F3D0" stroke-width="2"/>
<path d="M6.5 10L16 17L25.5 10" fill="none" stroke="#A7F3D0" stroke-width="2" stroke-linejoin="round"/>
<circle cx="24" cy="22" r="5" fill="#10B981"/>
<path d="M21.8 22L23.4 23.6L26.2 20.6" fill="none" stroke="#FFFFFF" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round"/>
</svg>`;

const INSTRUCTIONS = `1. Enter the **URL of your endpoint** (\`https://…\` recommended). It receives a JSON \`POST\` of every subscribed event: the envelope \`{business_id, type, timestamp, data}\`.
2. Each request is signed the Standard Webhooks way: headers \`webhook-id\`, \`webhook-timestamp\` and \`webhook-signature\` (\`v1,<base64 HMAC-SHA256>\` of \`id.timestamp.body\`). Copy the endpoint's **signing secret** (\`whsec_…\`) from the endpoint page and verify each request with a Standard Webhooks library (e.g. \`standardwebhooks\` for JavaScript, \`new Webhook(secret).verify(body, headers)\`) against the raw body.
3. Use \`webhook-id\` to drop duplicates: it stays the same across retries.
4. Answer 2xx quickly (within 15 s). Any other answer is retried on the schedule (\`Retry-After\` is honoured); \`410 Gone\` or the header \`webhook-delivery: disable\` disables the endpoint.
5. No credentials are needed on this card: the signature is the authentication.`;

const PASS_THROUGH = `function handler(webhook) {
  return webhook;
}
`;

const templates: ConnectorTemplate[] = [
  {
    id: 'pass-through',
    name: 'Send the event as it is',
    description:
      'Posts the whole event envelope (business_id, type, timestamp, data), signed, to your endpoint.',
    code: PASS_THROUGH,
    eventTypes: PAYMENT_AND_SUBSCRIPTION_EVENTS,
  },
];

export const webhookManifest: ConnectorManifest = {
  id: 'webhook',
  name: 'Webhook',
  logo: LOGO,
  category: 'custom',
  description: 'A signed Standard Webhooks POST of each event to any URL you choose.',
  instructions: INSTRUCTIONS,
  credentials: [],
  regions: [webhookRegion],
  authentication: 'none',
  defaultEventTypes: PAYMENT_AND_SUBSCRIPTION_EVENTS,
  templates,
};
