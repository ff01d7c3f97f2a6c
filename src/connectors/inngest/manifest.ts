import type { ConnectorManifest, ConnectorRegion, ConnectorTemplate } from '../connector.ts';

/** Inngest Cloud's event API. The pasted URL `https://inn.gs/e/{EVENT_KEY}` carries the key: it is the secret. */
export const inngestRegions: { default: ConnectorRegion } = {
  default: { id: 'default', label: 'Inngest Cloud', hosts: ['inn.gs'] },
};

/** An original abstract mark: an event pulse entering a step function. */
const LOGO = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" width="32" height="32" role="img" aria-label="Inngest">
<rect width="32" height="32" rx="8" fill="#101418"/>
<path d="M5 17H10L12.5 11L16 22L18.5 17H21" fill="none" stroke="#8CF2C0" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"/>
<rect x="22" y="12" width="6" height="10" rx="2" fill="none" stroke="#FFFFFF" stroke-width="2"/>
</svg>`;

const INSTRUCTIONS = `1. In the Inngest dashboard, pick the environment (Production or a branch environment) and open **Manage → Event Keys**.
2. Create an event key (e.g. "Switchyard") or open an existing one, and copy its key.
3. Paste the URL \`https://inn.gs/e/{EVENT_KEY}\` here, with your key in place of \`{EVENT_KEY}\`. The key in the path is the credential: keep the URL private.
4. Pick a template. Each event arrives as \`{ name: "dodo/payment.succeeded", data: { … }, ts }\`; trigger functions on those names, e.g. \`{ event: "dodo/payment.succeeded" }\`.
5. Switchyard gives every event a deterministic \`id\` derived from the message and the endpoint, so a retried delivery is not run twice (Inngest drops repeats of an id within 24 hours).`;

const EVENTS = `function handler(webhook) {
  var event = webhook.payload;
  var data = event.data;
  var customer = data.customer || {};
  var fields = {
    business_id: event.business_id,
    customer_id: customer.customer_id,
    customer_email: customer.email,
    customer_name: customer.name
  };
  switch (webhook.eventType) {
    case 'payment.succeeded':
      fields.payment_id = data.payment_id;
      fields.subscription_id = data.subscription_id;
      fields.amount = data.total_amount;
      fields.currency = data.currency;
      fields.status = data.status;
      break;
    case 'subscription.active':
    case 'subscription.cancelled':
      fields.subscription_id = data.subscription_id;
      fields.product_id = data.product_id;
      fields.status = data.status;
      fields.next_billing_date = data.next_billing_date;
      fields.cancelled_at = data.cancelled_at;
      break;
    case 'refund.succeeded':
      fields.refund_id = data.refund_id;
      fields.payment_id = data.payment_id;
      fields.amount = data.amount;
      fields.currency = data.currency;
      break;
    default:
      return webhook;
  }
  webhook.payload = {
    name: 'dodo/' + webhook.eventType,
    data: fields,
    ts: Date.parse(event.timestamp)
  };
  return webhook;
}
`;

const templates: ConnectorTemplate[] = [
  {
    id: 'send-events',
    name: 'Send events to trigger functions',
    description:
      'Sends one Inngest event per payment, subscription change or refund, named dodo/<event type>, with the event time as ts.',
    code: EVENTS,
    eventTypes: ['payment.succeeded', 'subscription.active', 'subscription.cancelled', 'refund.succeeded'],
  },
];

export const inngestManifest: ConnectorManifest = {
  id: 'inngest',
  name: 'Inngest',
  logo: LOGO,
  category: 'automation',
  description: 'Send payment and subscription events to Inngest to trigger durable functions.',
  instructions: INSTRUCTIONS,
  credentials: [],
  regions: [inngestRegions.default],
  authentication: 'url',
  defaultEventTypes: [...new Set(templates.flatMap((template) => template.eventTypes))],
  templates,
};
