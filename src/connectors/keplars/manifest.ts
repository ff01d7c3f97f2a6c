import type { ConnectorManifest, ConnectorRegion, ConnectorTemplate } from '../connector.ts';
import { KEPLARS_HOST, SEND_URL } from './contract.ts';

export const keplarsRegions: { default: ConnectorRegion } = {
  default: { id: 'default', label: 'Keplars API', hosts: [KEPLARS_HOST] },
};

/** An original abstract mark: a paper plane over an orbit. */
const LOGO = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" width="32" height="32" role="img" aria-label="Keplars">
<rect width="32" height="32" rx="8" fill="#141B3D"/>
<ellipse cx="16" cy="18" rx="11" ry="5" fill="none" stroke="#6C8CFF" stroke-width="1.5"/>
<path d="M8 15l16-7-5 15-3-6z" fill="#FFFFFF"/>
</svg>`;

const INSTRUCTIONS = `1. In Keplars, open **Settings → API Keys** and create (or copy) an API key for sending.
2. Under **Domains**, verify the domain (or address) you send from.
3. Paste the key here. Switchyard sends it as \`Authorization: Bearer <key>\`, only to \`${KEPLARS_HOST}\`; do not put it in the transformation code.
4. Edit the template: replace \`payments@mail.yourdomain.com\` with your verified sender. To use a Keplars template instead of the inline email, set \`template_id\` and \`params\` and leave \`subject\` and \`body\` out.
5. \`to\` must be an array, even for one recipient. Emails go to the high-priority queue: \`${SEND_URL}\`.`;

const AMOUNT_HELPER = `  const ZERO_DECIMAL = ["BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"];
  const money = (amount, currency) =>
    ZERO_DECIMAL.includes(String(currency).toUpperCase())
      ? String(amount) + " " + currency
      : (amount / 100).toFixed(2) + " " + currency;`;

const PAYMENT_RECEIPT = `function handler(webhook) {
${AMOUNT_HELPER}
  if (webhook.eventType !== "payment.succeeded") return webhook;
  const p = webhook.payload.data;
  webhook.url = "${SEND_URL}";
  webhook.payload = {
    to: [p.customer.email],
    from: "payments@mail.yourdomain.com",
    subject: "Payment received: " + money(p.total_amount, p.currency),
    body:
      "<p>Hi " + p.customer.name + ",</p>" +
      "<p>We received your payment of <strong>" + money(p.total_amount, p.currency) + "</strong>.</p>" +
      "<p>Payment ID: " + p.payment_id + "</p>",
    is_html: true,
  };
  return webhook;
}
`;

const SUBSCRIPTION_EMAILS = `function handler(webhook) {
  const s = webhook.payload.data;
  switch (webhook.eventType) {
    case "subscription.active":
      webhook.url = "${SEND_URL}";
      webhook.payload = {
        to: [s.customer.email],
        from: "billing@mail.yourdomain.com",
        subject: "Your subscription is active",
        body:
          "<p>Hi " + s.customer.name + ",</p>" +
          "<p>Your subscription " + s.subscription_id + " is active. Next billing date: " + s.next_billing_date + ".</p>",
        is_html: true,
      };
      break;
    case "subscription.cancelled":
      webhook.url = "${SEND_URL}";
      webhook.payload = {
        to: [s.customer.email],
        from: "billing@mail.yourdomain.com",
        subject: "Your subscription has been cancelled",
        body:
          "<p>Hi " + s.customer.name + ",</p>" +
          "<p>Your subscription " + s.subscription_id + " has been cancelled. We are sorry to see you go.</p>",
        is_html: true,
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

export const keplarsManifest: ConnectorManifest = {
  id: 'keplars',
  name: 'Keplars',
  logo: LOGO,
  category: 'email',
  description: 'Send transactional emails through Keplars on payment and subscription events.',
  instructions: INSTRUCTIONS,
  credentials: [
    {
      id: 'apiKey',
      label: 'API key',
      secret: true,
      pattern: '^\\S{8,512}$',
      help: 'A Keplars sending API key from Settings → API Keys (e.g. kms_<id>.live_<secret>). Stored encrypted and shown masked.',
      placeholder: 'kms_...live_...',
    },
  ],
  regions: [keplarsRegions.default],
  authentication: 'bearer',
  defaultEventTypes: [...new Set(templates.flatMap((template) => template.eventTypes))],
  templates,
};
