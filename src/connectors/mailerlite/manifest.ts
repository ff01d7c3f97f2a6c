import type { ConnectorManifest, ConnectorRegion, ConnectorTemplate } from '../connector.ts';
import { MAILERLITE_HOST, SUBSCRIBERS_URL } from './contract.ts';

export const mailerliteRegions: { default: ConnectorRegion } = {
  default: { id: 'default', label: 'MailerLite API', hosts: [MAILERLITE_HOST] },
};

/** An original abstract mark: an open envelope with a leaf. */
const LOGO = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" width="32" height="32" role="img" aria-label="MailerLite">
<rect width="32" height="32" rx="8" fill="#0E3B2E"/>
<path d="M7 12l9 6 9-6v10H7z" fill="none" stroke="#7BE0AD" stroke-width="2" stroke-linejoin="round"/>
<path d="M16 6c3 0 5 2 5 5-3 0-5-2-5-5z" fill="#FFFFFF"/>
</svg>`;

const INSTRUCTIONS = `1. In MailerLite, open **Integrations → MailerLite API** and click **Generate new token**. Name it (e.g. "Switchyard") and copy it; MailerLite shows it only once.
2. Paste the token here. Switchyard sends it as \`Authorization: Bearer <token>\`, only to \`${MAILERLITE_HOST}\`; do not put it in the transformation code.
3. To add customers to a group, open **Subscribers → Groups**, copy the group's id and add it to \`groups\` in the template.
4. Custom fields (\`last_payment_amount\`, \`subscription_status\`, …) must exist in **Subscribers → Fields** first; MailerLite ignores fields it does not know.
5. The templates use \`POST ${SUBSCRIBERS_URL}\`, which creates the subscriber or updates an existing one, so a retried delivery does not create duplicates.`;

const AMOUNT_HELPER = `  const ZERO_DECIMAL = ["BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"];
  const major = (amount, currency) =>
    ZERO_DECIMAL.includes(String(currency).toUpperCase()) ? amount : amount / 100;`;

const CUSTOMER_SYNC = `function handler(webhook) {
${AMOUNT_HELPER}
  if (webhook.eventType === "payment.succeeded") {
    const p = webhook.payload.data;
    webhook.url = "${SUBSCRIBERS_URL}";
    webhook.method = "POST";
    webhook.payload = {
      email: p.customer.email,
      fields: {
        name: p.customer.name,
        last_payment_amount: major(p.total_amount, p.currency),
        last_payment_currency: p.currency,
        last_payment_date: webhook.payload.timestamp,
        customer_id: p.customer.customer_id,
      },
    };
  }
  return webhook;
}
`;

const SUBSCRIPTION_STATUS = `function handler(webhook) {
  const s = webhook.payload.data;
  switch (webhook.eventType) {
    case "subscription.active":
    case "subscription.cancelled":
      webhook.url = "${SUBSCRIBERS_URL}";
      webhook.method = "POST";
      webhook.payload = {
        email: s.customer.email,
        fields: {
          name: s.customer.name,
          subscription_status: webhook.eventType === "subscription.active" ? "active" : "cancelled",
          subscription_id: s.subscription_id,
          product_id: s.product_id,
          next_billing_date: webhook.eventType === "subscription.active" ? s.next_billing_date : null,
        },
      };
      break;
  }
  return webhook;
}
`;

const templates: ConnectorTemplate[] = [
  {
    id: 'customer-sync',
    name: 'Add paying customers',
    description:
      'Creates or updates the customer as a MailerLite subscriber, with the last payment, on every successful payment.',
    code: CUSTOMER_SYNC,
    eventTypes: ['payment.succeeded'],
  },
  {
    id: 'subscription-status',
    name: 'Keep the subscription status',
    description:
      "Sets the subscriber's subscription_status field when a subscription becomes active or is cancelled.",
    code: SUBSCRIPTION_STATUS,
    eventTypes: ['subscription.active', 'subscription.cancelled'],
  },
];

export const mailerliteManifest: ConnectorManifest = {
  id: 'mailerlite',
  name: 'MailerLite',
  logo: LOGO,
  category: 'email',
  description: 'Keep MailerLite subscribers and their fields in step with payments and subscriptions.',
  instructions: INSTRUCTIONS,
  credentials: [
    {
      id: 'apiKey',
      label: 'API token',
      secret: true,
      pattern: '^\\S{16,2048}$',
      help: 'A MailerLite API token from Integrations → MailerLite API. Stored encrypted and shown masked.',
      placeholder: 'eyJ0eXAiOiJKV1Qi...',
    },
  ],
  regions: [mailerliteRegions.default],
  authentication: 'bearer',
  defaultEventTypes: [...new Set(templates.flatMap((template) => template.eventTypes))],
  templates,
};
