import type { ConnectorManifest, ConnectorRegion, ConnectorTemplate } from '../connector.ts';
import { RESEND_HOST } from './contract.ts';

/** Resend has one API host; the first (only) region is the default. */
export const resendRegions: { default: ConnectorRegion } = {
  default: { id: 'default', label: 'Resend API', hosts: [RESEND_HOST] },
};

/** An original abstract mark: an envelope with a return arrow. */
const LOGO = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" width="32" height="32" role="img" aria-label="Resend">
<rect width="32" height="32" rx="8" fill="#111111"/>
<rect x="7" y="10" width="18" height="13" rx="2" fill="none" stroke="#FFFFFF" stroke-width="2"/>
<path d="M7.5 11l8.5 6.5 8.5-6.5" fill="none" stroke="#FFFFFF" stroke-width="2" stroke-linejoin="round"/>
<circle cx="24" cy="9" r="3" fill="#7DD3FC"/>
</svg>`;

const INSTRUCTIONS = `1. In Resend, open **Domains** and verify the domain you send from (Resend refuses a \`from\` address on a domain that is not verified).
2. Open **API Keys → Create API Key**, give it **Sending access** (optionally limited to that domain), and copy the key. It starts with \`re_\` and is shown only once.
3. Paste it here. Switchyard sends it as \`Authorization: Bearer re_…\` and only to \`${RESEND_HOST}\`; do not put it in the transformation code.
4. Pick a template and **replace the \`from\` address** (\`onboarding@resend.dev\`, Resend's test sender, which only delivers to your own Resend account's address) with one on your verified domain, then test it on an example event.
5. Switchyard adds an \`Idempotency-Key\` derived from the message, so a retried delivery is not sent twice (Resend keeps keys for 24 hours).`;

const FROM = 'Billing <onboarding@resend.dev>';

const PAYMENT_RECEIPT = `function handler(webhook) {
  if (webhook.eventType === "payment.succeeded") {
    const p = webhook.payload.data;
    const amount = (p.total_amount / 100).toFixed(2) + " " + (p.currency || "USD");
    webhook.url = "https://${RESEND_HOST}/emails";
    webhook.payload = {
      // Replace with an address on your domain verified in Resend.
      from: "${FROM}",
      to: [p.customer.email],
      subject: "Payment received: " + amount,
      html: "<p>Hi " + (p.customer.name || "there") + ",</p><p>We received your payment of <strong>" + amount + "</strong>.</p><p>Payment ID: " + p.payment_id + "</p>",
      text: "Hi " + (p.customer.name || "there") + ", we received your payment of " + amount + ". Payment ID: " + p.payment_id,
      tags: [{ name: "event", value: "payment_succeeded" }],
    };
  }
  return webhook;
}
`;

const SUBSCRIPTION_EMAILS = `function handler(webhook) {
  const s = webhook.payload.data;
  const name = s.customer.name || "there";
  switch (webhook.eventType) {
    case "subscription.active":
      webhook.url = "https://${RESEND_HOST}/emails";
      webhook.payload = {
        // Replace with an address on your domain verified in Resend.
        from: "${FROM}",
        to: [s.customer.email],
        subject: "Your subscription is active",
        html: "<p>Hi " + name + ",</p><p>Your subscription " + s.subscription_id + " is now active. Next billing date: " + s.next_billing_date + ".</p>",
        text: "Hi " + name + ", your subscription " + s.subscription_id + " is now active. Next billing date: " + s.next_billing_date + ".",
        tags: [{ name: "event", value: "subscription_active" }],
      };
      break;
    case "subscription.cancelled":
      webhook.url = "https://${RESEND_HOST}/emails";
      webhook.payload = {
        // Replace with an address on your domain verified in Resend.
        from: "${FROM}",
        to: [s.customer.email],
        subject: "Your subscription was cancelled",
        html: "<p>Hi " + name + ",</p><p>Your subscription " + s.subscription_id + " was cancelled on " + s.cancelled_at + ". We are sorry to see you go.</p>",
        text: "Hi " + name + ", your subscription " + s.subscription_id + " was cancelled on " + s.cancelled_at + ".",
        tags: [{ name: "event", value: "subscription_cancelled" }],
      };
      break;
  }
  return webhook;
}
`;

const templates: ConnectorTemplate[] = [
  {
    id: 'payment-receipt',
    name: 'Payment receipt email',
    description: 'Emails the customer a receipt through Resend for every successful payment.',
    code: PAYMENT_RECEIPT,
    eventTypes: ['payment.succeeded'],
  },
  {
    id: 'subscription-emails',
    name: 'Subscription emails',
    description: 'Emails the customer when their subscription becomes active and when it is cancelled.',
    code: SUBSCRIPTION_EMAILS,
    eventTypes: ['subscription.active', 'subscription.cancelled'],
  },
];

export const resendManifest: ConnectorManifest = {
  id: 'resend',
  name: 'Resend',
  logo: LOGO,
  category: 'email',
  description:
    'Send transactional emails (receipts, subscription notices) through Resend from payment events.',
  instructions: INSTRUCTIONS,
  credentials: [
    {
      id: 'apiKey',
      label: 'API Key',
      secret: true,
      pattern: '^re_[A-Za-z0-9_]{8,128}$',
      help: 'A Resend API key with Sending access: Resend → API Keys → Create API Key. It starts with re_. Stored encrypted and shown masked.',
      placeholder: 'e.g. re_123456789_AbCdEfGhIjKlMnOpQrStUv',
    },
  ],
  regions: [resendRegions.default],
  authentication: 'bearer',
  defaultEventTypes: [...new Set(templates.flatMap((template) => template.eventTypes))],
  templates,
};
