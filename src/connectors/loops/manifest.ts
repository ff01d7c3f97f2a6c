import type { ConnectorManifest, ConnectorRegion, ConnectorTemplate } from '../connector.ts';
import { EVENTS_URL, LOOPS_HOST } from './contract.ts';

/** Loops has one API host; the documented base is `https://app.loops.so/api`. */
export const loopsRegions: { default: ConnectorRegion } = {
  default: { id: 'default', label: 'Loops API', hosts: [LOOPS_HOST] },
};

/** An original abstract mark: two interlocking rings. */
const LOGO = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" width="32" height="32" role="img" aria-label="Loops">
<rect width="32" height="32" rx="8" fill="#1F2A1F"/>
<circle cx="12.5" cy="16" r="5.5" fill="none" stroke="#F5C542" stroke-width="2.5"/>
<circle cx="19.5" cy="16" r="5.5" fill="none" stroke="#FFFFFF" stroke-width="2.5"/>
</svg>`;

const INSTRUCTIONS = `1. In Loops, open **Settings → API** and click **Generate key** (or copy an existing API key).
2. Paste the key here. Switchyard sends it as \`Authorization: Bearer <key>\`, only to \`${LOOPS_HOST}\`; do not put it in the transformation code.
3. The templates send events to \`${EVENTS_URL}\`, Loops' documented API base. (Some published samples use \`api.loops.so\`, which Loops does not document; the test flags it with the URL to use.)
4. In Loops, create an event-triggered **Loop** for each event name the template sends (\`paymentSucceeded\`, \`subscriptionActive\`, \`subscriptionCancelled\`).
5. Switchyard adds an \`Idempotency-Key\` derived from the message, so a retried delivery is not sent twice.`;

/** Minor units → a number in the currency's major unit (zero-decimal currencies are not divided). */
const AMOUNT_HELPER = `  const ZERO_DECIMAL = ["BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"];
  const major = (amount, currency) =>
    ZERO_DECIMAL.includes(String(currency).toUpperCase()) ? amount : amount / 100;`;

const TRACK_PAYMENT = `function handler(webhook) {
${AMOUNT_HELPER}
  if (webhook.eventType === "payment.succeeded") {
    const p = webhook.payload.data;
    webhook.url = "${EVENTS_URL}";
    webhook.payload = {
      email: p.customer.email,
      userId: p.customer.customer_id,
      eventName: "paymentSucceeded",
      eventProperties: {
        paymentId: p.payment_id,
        amount: major(p.total_amount, p.currency),
        currency: p.currency,
        paymentMethod: p.payment_method || "unknown",
      },
    };
  }
  return webhook;
}
`;

const SUBSCRIPTION_LIFECYCLE = `function handler(webhook) {
${AMOUNT_HELPER}
  const s = webhook.payload.data;
  switch (webhook.eventType) {
    case "subscription.active":
      webhook.url = "${EVENTS_URL}";
      webhook.payload = {
        email: s.customer.email,
        userId: s.customer.customer_id,
        eventName: "subscriptionActive",
        eventProperties: {
          subscriptionId: s.subscription_id,
          productId: s.product_id,
          amount: major(s.recurring_pre_tax_amount, s.currency),
          currency: s.currency,
          nextBillingDate: s.next_billing_date,
        },
      };
      break;
    case "subscription.cancelled":
      webhook.url = "${EVENTS_URL}";
      webhook.payload = {
        email: s.customer.email,
        userId: s.customer.customer_id,
        eventName: "subscriptionCancelled",
        eventProperties: {
          subscriptionId: s.subscription_id,
          productId: s.product_id,
          cancelledAt: s.cancelled_at || webhook.payload.timestamp,
        },
      };
      break;
  }
  return webhook;
}
`;

const templates: ConnectorTemplate[] = [
  {
    id: 'track-payment',
    name: 'Send payment events',
    description: 'Sends a "paymentSucceeded" event to the customer\'s contact in Loops, to trigger a Loop.',
    code: TRACK_PAYMENT,
    eventTypes: ['payment.succeeded'],
  },
  {
    id: 'subscription-lifecycle',
    name: 'Send subscription events',
    description: 'Sends "subscriptionActive" and "subscriptionCancelled" events to Loops.',
    code: SUBSCRIPTION_LIFECYCLE,
    eventTypes: ['subscription.active', 'subscription.cancelled'],
  },
];

export const loopsManifest: ConnectorManifest = {
  id: 'loops',
  name: 'Loops',
  logo: LOGO,
  category: 'email',
  description: 'Trigger Loops emails from payment and subscription events.',
  instructions: INSTRUCTIONS,
  credentials: [
    {
      id: 'apiKey',
      label: 'API key',
      secret: true,
      pattern: '^\\S{8,256}$',
      help: 'A Loops API key from Settings → API. Stored encrypted and shown masked.',
      placeholder: 'e.g. 3c8f2a...',
    },
  ],
  regions: [loopsRegions.default],
  authentication: 'bearer',
  defaultEventTypes: [...new Set(templates.flatMap((template) => template.eventTypes))],
  templates,
};
