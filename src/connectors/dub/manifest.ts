import type { ConnectorManifest, ConnectorRegion, ConnectorTemplate } from '../connector.ts';

/** Dub's API host; the API key is only ever sent here. */
export const dubRegions: { default: ConnectorRegion } = {
  default: { id: 'default', label: 'Dub (global)', hosts: ['api.dub.co'] },
};

export const DUB_TRACK_SALE_URL = 'https://api.dub.co/track/sale';

/** An original abstract mark: a link arc ending in a conversion dot. */
const LOGO = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" width="32" height="32" role="img" aria-label="Dub">
<rect width="32" height="32" rx="8" fill="#111111"/>
<path d="M8 22C8 14 12 9 18 9" fill="none" stroke="#FFFFFF" stroke-width="2.5" stroke-linecap="round"/>
<path d="M12 24C16 24 20 20 20 15" fill="none" stroke="#C7B8FF" stroke-width="2.5" stroke-linecap="round"/>
<circle cx="23" cy="10" r="3" fill="#C7B8FF"/>
</svg>`;

const INSTRUCTIONS = `1. In Dub, open **Settings → API Keys** of the workspace that owns your short links.
2. Create an API key with **restricted** permissions and grant **Conversions: Write** (\`conversions.write\`). Copy the key (it starts with \`dub_\`); Dub shows it once.
3. Paste the key here. Switchyard sends it as \`Authorization: Bearer …\`, only to \`api.dub.co\`; do not put it in the transformation code.
4. Sales are attributed to a customer Dub already knows from a tracked lead: the template sends the Dodo customer id as \`customerExternalId\`, so track your leads with the same id (\`data.customer.customer_id\`).
5. The template posts each successful payment to \`https://api.dub.co/track/sale\` and skips every other event (\`webhook.cancel = true\`).`;

const TRACK_SALE = `function handler(webhook) {
  if (webhook.eventType !== 'payment.succeeded') {
    webhook.cancel = true;
    return webhook;
  }
  var data = webhook.payload.data;
  webhook.url = 'https://api.dub.co/track/sale';
  webhook.payload = {
    customerExternalId: data.customer.customer_id,
    amount: data.total_amount,
    currency: String(data.currency).toLowerCase(),
    eventName: 'Purchase',
    paymentProcessor: 'custom',
    invoiceId: data.payment_id,
    metadata: {
      payment_id: data.payment_id,
      subscription_id: data.subscription_id,
      customer_email: data.customer.email
    }
  };
  return webhook;
}
`;

const templates: ConnectorTemplate[] = [
  {
    id: 'track-sale',
    name: 'Track sales',
    description:
      "Records every successful payment as a sale in Dub, attributed to the customer's link; skips all other events.",
    code: TRACK_SALE,
    eventTypes: ['payment.succeeded'],
  },
];

export const dubManifest: ConnectorManifest = {
  id: 'dub',
  name: 'Dub',
  logo: LOGO,
  category: 'marketing',
  description: 'Attribute payments to your Dub links as sales, for conversion and affiliate tracking.',
  instructions: INSTRUCTIONS,
  credentials: [
    {
      id: 'apiKey',
      label: 'API key',
      secret: true,
      pattern: '^dub_[A-Za-z0-9_]{16,}$',
      help: 'A Dub workspace API key with the conversions.write permission: Settings → API Keys. It starts with dub_.',
      placeholder: 'dub_xxxxxxxxxxxxxxxxxxxxxxxx',
    },
  ],
  regions: [dubRegions.default],
  authentication: 'bearer',
  defaultEventTypes: [...new Set(templates.flatMap((template) => template.eventTypes))],
  templates,
};
