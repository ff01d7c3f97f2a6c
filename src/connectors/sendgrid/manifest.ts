import type { ConnectorManifest, ConnectorRegion, ConnectorTemplate } from '../connector.ts';
import { MAIL_SEND_PATH, SENDGRID_EU_HOST, SENDGRID_HOST } from './contract.ts';

/** SendGrid's API hosts: the global one (default) and the one for EU regional subusers. */
export const sendgridRegions: { global: ConnectorRegion; eu: ConnectorRegion } = {
  global: { id: 'global', label: 'Global (default)', hosts: [SENDGRID_HOST] },
  eu: { id: 'eu', label: 'European Union (EU regional subusers)', hosts: [SENDGRID_EU_HOST] },
};

/** An original abstract mark: a paper plane over a grid of squares. */
const LOGO = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" width="32" height="32" role="img" aria-label="SendGrid">
<rect width="32" height="32" rx="8" fill="#0B3B5C"/>
<rect x="6" y="17" width="6" height="6" fill="#5BC0EB"/>
<rect x="12" y="11" width="6" height="6" fill="#9AD8F2"/>
<path d="M14 21l12-12-4 15-3-5z" fill="#FFFFFF"/>
</svg>`;

const INSTRUCTIONS = `1. In SendGrid, open **Settings → Sender Authentication** and verify your sending domain or a single sender (SendGrid refuses mail from an unverified \`from\`).
2. Open **Settings → API Keys → Create API Key**, choose **Restricted Access** with **Mail Send → Full Access** (or Full Access), and copy the key. It starts with \`SG.\` and is shown only once.
3. Paste it here. Switchyard sends it as \`Authorization: Bearer SG.…\` and only to SendGrid's API host; do not put it in the transformation code.
4. Pick the region: **Global** (\`${SENDGRID_HOST}\`) unless your key belongs to an **EU regional subuser**, which must use \`${SENDGRID_EU_HOST}\` (then write that host in the template's URL too).
5. Pick a template, **replace the \`from\` address** with your verified sender, and test it on an example event. SendGrid answers 202 when it accepts the mail.`;

const FROM = '{ email: "billing@example.com", name: "Billing" }';

const PAYMENT_RECEIPT = `function handler(webhook) {
  if (webhook.eventType === "payment.succeeded") {
    const p = webhook.payload.data;
    const amount = (p.total_amount / 100).toFixed(2) + " " + (p.currency || "USD");
    const name = p.customer.name || "there";
    webhook.url = "https://${SENDGRID_HOST}${MAIL_SEND_PATH}";
    webhook.payload = {
      personalizations: [{ to: [{ email: p.customer.email, name: p.customer.name }] }],
      // Replace with your verified sender (Settings → Sender Authentication).
      from: ${FROM},
      subject: "Payment received: " + amount,
      content: [
        { type: "text/plain", value: "Hi " + name + ", we received your payment of " + amount + ". Payment ID: " + p.payment_id },
        { type: "text/html", value: "<p>Hi " + name + ",</p><p>We received your payment of <strong>" + amount + "</strong>.</p><p>Payment ID: " + p.payment_id + "</p>" },
      ],
      categories: ["payment_succeeded"],
      custom_args: { payment_id: p.payment_id },
    };
  }
  return webhook;
}
`;

const SUBSCRIPTION_EMAILS = `function handler(webhook) {
  const s = webhook.payload.data;
  const name = s.customer.name || "there";
  let subject;
  let message;
  switch (webhook.eventType) {
    case "subscription.active":
      subject = "Your subscription is active";
      message = "your subscription " + s.subscription_id + " is now active. Next billing date: " + s.next_billing_date + ".";
      break;
    case "subscription.cancelled":
      subject = "Your subscription was cancelled";
      message = "your subscription " + s.subscription_id + " was cancelled on " + s.cancelled_at + ".";
      break;
    default:
      return webhook;
  }
  webhook.url = "https://${SENDGRID_HOST}${MAIL_SEND_PATH}";
  webhook.payload = {
    personalizations: [{ to: [{ email: s.customer.email, name: s.customer.name }] }],
    // Replace with your verified sender (Settings → Sender Authentication).
    from: ${FROM},
    subject: subject,
    content: [
      { type: "text/plain", value: "Hi " + name + ", " + message },
      { type: "text/html", value: "<p>Hi " + name + ",</p><p>" + message.charAt(0).toUpperCase() + message.slice(1) + "</p>" },
    ],
    categories: [webhook.eventType.replace(".", "_")],
    custom_args: { subscription_id: s.subscription_id },
  };
  return webhook;
}
`;

const templates: ConnectorTemplate[] = [
  {
    id: 'payment-receipt',
    name: 'Payment receipt email',
    description: 'Emails the customer a receipt through SendGrid for every successful payment.',
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

export const sendgridManifest: ConnectorManifest = {
  id: 'sendgrid',
  name: 'SendGrid',
  logo: LOGO,
  category: 'email',
  description:
    'Send transactional emails (receipts, subscription notices) through Twilio SendGrid from payment events.',
  instructions: INSTRUCTIONS,
  credentials: [
    {
      id: 'apiKey',
      label: 'API Key',
      secret: true,
      pattern: '^SG\\.[A-Za-z0-9_-]{16,64}\\.[A-Za-z0-9_-]{16,64}$',
      help: 'A SendGrid API key with Mail Send permission: Settings → API Keys → Create API Key. It starts with SG. and is stored encrypted and shown masked.',
      placeholder: 'e.g. SG.xxxxxxxxxxxxxxxxxxxxxx.yyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyyy',
    },
  ],
  regions: [sendgridRegions.global, sendgridRegions.eu],
  authentication: 'bearer',
  defaultEventTypes: [...new Set(templates.flatMap((template) => template.eventTypes))],
  templates,
};
