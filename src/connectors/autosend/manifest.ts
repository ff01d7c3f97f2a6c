import type { ConnectorManifest, ConnectorRegion, ConnectorTemplate } from '../connector.ts';
import { AUTOSEND_HOST, SEND_URL } from './contract.ts';

export const autosendRegions: { default: ConnectorRegion } = {
  default: { id: 'default', label: 'AutoSend API', hosts: [AUTOSEND_HOST] },
};

/** An original abstract mark: an envelope with a circular arrow. */
const LOGO = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" width="32" height="32" role="img" aria-label="AutoSend">
<rect width="32" height="32" rx="8" fill="#102A43"/>
<rect x="6" y="10" width="16" height="12" rx="2" fill="none" stroke="#FFFFFF" stroke-width="2"/>
<path d="M6 11l8 6 8-6" fill="none" stroke="#FFFFFF" stroke-width="2" stroke-linejoin="round"/>
<path d="M24 9a5 5 0 0 1 2 8" fill="none" stroke="#4FD1C5" stroke-width="2" stroke-linecap="round"/>
</svg>`;

const INSTRUCTIONS = `1. In AutoSend, open **Settings → API Keys** and create an API key.
2. Under **Domains**, verify the domain you send from.
3. Paste the key here. Switchyard sends it as \`Authorization: Bearer <key>\`, only to \`${AUTOSEND_HOST}\`; do not put it in the transformation code.
4. Edit the template: replace \`billing@mail.yourdomain.com\` with a sender on your verified domain. To use an AutoSend template, set \`templateId\` and \`dynamicData\` instead of \`html\` (the subject then becomes optional).
5. Emails are sent with \`POST ${SEND_URL}\`; \`to\` and \`from\` are \`{email, name}\` objects.`;

const AMOUNT_HELPER = `  const ZERO_DECIMAL = ["BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"];
  const money = (amount, currency) =>
    ZERO_DECIMAL.includes(String(currency).toUpperCase())
      ? String(amount) + " " + currency
      : (amount / 100).toFixed(2) + " " + currency;`;

const PAYMENT_RECEIPT = `function handler(webhook) {
${AMOUNT_HELPER}
  if (webhook.eventType === "payment.succeeded") {
    const p = webhook.payload.data;
    webhook.url = "${SEND_URL}";
    webhook.payload = {
      to: { email: p.customer.email, name: p.customer.name },
      from: { email: "billing@mail.yourdomain.com", name: "Billing" },
      subject: "Payment received: " + money(p.total_amount, p.currency),
      html:
        "<p>Hi " + p.customer.name + ",</p>" +
        "<p>We received your payment of <strong>" + money(p.total_amount, p.currency) + "</strong>.</p>" +
        "<p>Payment ID: " + p.payment_id + "</p>",
    };
  }
  return webhook;
}
`;

const SUBSCRIPTION_EMAILS = `function handler(webhook) {
  const s = webhook.payload.data;
  switch (webhook.eventType) {
    case "subscription.active":
      webhook.url = "${SEND_URL}";
      webhook.payload = {
        to: { email: s.customer.email, name: s.customer.name },
        from: { email: "billing@mail.yourdomain.com", name: "Billing" },
        subject: "Your subscription is active",
        html:
          "<p>Hi " + s.customer.name + ",</p>" +
          "<p>Your subscription " + s.subscription_id + " is active. Next billing date: " + s.next_billing_date + ".</p>",
      };
      break;
    case "subscription.cancelled":
      webhook.url = "${SEND_URL}";
      webhook.payload = {
        to: { email: s.customer.email, name: s.customer.name },
        from: { email: "billing@mail.yourdomain.com", name: "Billing" },
        subject: "Your subscription has been cancelled",
        html:
          "<p>Hi " + s.customer.name + ",</p>" +
          "<p>Your subscription " + s.subscription_id + " has been cancelled.</p>",
      };
      break;
  }
  return webhook;
}
`;

const templates: ConnectorTemplate[] = [
  {
    id: 'payment-receipt',
    name: 'Payment confirmation email',
    description:
      'Emails the customer a confirmation with the amount and payment id on every successful payment.',
    code: PAYMENT_RECEIPT,
    eventTypes: ['payment.succeeded'],
  },
  {
    id: 'subscription-emails',
    name: 'Subscription emails',
    description: 'Emails the customer when their subscription becomes active or is cancelled.',
    code: SUBSCRIPTION_EMAILS,
    eventTypes: ['subscription.active', 'subscription.cancelled'],
  },
];

export const autosendManifest: ConnectorManifest = {
  id: 'autosend',
  name: 'AutoSend',
  logo: LOGO,
  category: 'email',
  description: 'Send transactional emails through AutoSend on payment and subscription events.',
  instructions: INSTRUCTIONS,
  credentials: [
    {
      id: 'apiKey',
      label: 'API key',
      secret: true,
      pattern: '^\\S{8,512}$',
      help: 'An AutoSend API key from Settings → API Keys. Stored encrypted and shown masked.',
      placeholder: 'as_...',
    },
  ],
  regions: [autosendRegions.default],
  authentication: 'bearer',
  defaultEventTypes: [...new Set(templates.flatMap((template) => template.eventTypes))],
  templates,
};
