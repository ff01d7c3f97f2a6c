import type { ConnectorManifest, ConnectorRegion, ConnectorTemplate } from '../connector.ts';

/**
 * n8n runs on the merchant's own instance (or their n8n Cloud subdomain), so the host of the pasted Webhook-node
 * URL cannot be listed: the region names no hosts, and `check` accepts any HTTPS host. The URL is the secret.
 */
export const n8nRegions: { default: ConnectorRegion } = {
  default: { id: 'default', label: 'Your n8n instance', hosts: [] },
};

/** An original abstract mark: three linked nodes of a workflow. */
const LOGO = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" width="32" height="32" role="img" aria-label="n8n">
<rect width="32" height="32" rx="8" fill="#3A1F2B"/>
<path d="M8 16H14L18 10H23M14 16L18 22H23" fill="none" stroke="#F7B2C4" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"/>
<circle cx="8" cy="16" r="3" fill="#FFFFFF"/>
<circle cx="24" cy="10" r="2.5" fill="#FFFFFF"/>
<circle cx="24" cy="22" r="2.5" fill="#FFFFFF"/>
</svg>`;

const INSTRUCTIONS = `1. In n8n, create a workflow and add a **Webhook** node as its trigger.
2. Set the node's **HTTP Method** to **POST**, leave **Authentication** at *None* (the URL itself is the secret) and **Respond** at *Immediately*.
3. Open the node's **Production URL** tab and copy the URL (it looks like \`https://your-n8n.example.com/webhook/3f2a…\`). Do not use the *Test URL* (\`/webhook-test/…\`): it only answers while the editor is listening.
4. **Activate** the workflow (toggle *Active*): an inactive workflow's production URL answers 404.
5. Paste the URL here. Keep it private: anyone who has it can start the workflow.
6. Pick a template. It sends flat JSON (\`event\`, \`customer_email\`, \`amount\`, …) that the next nodes read as \`{{ $json.body.customer_email }}\`.`;

const FLAT_EVENTS = `function handler(webhook) {
  var event = webhook.payload;
  var data = event.data;
  var customer = data.customer || {};
  var base = {
    event: webhook.eventType,
    business_id: event.business_id,
    timestamp: event.timestamp,
    customer_id: customer.customer_id,
    customer_email: customer.email,
    customer_name: customer.name
  };
  switch (webhook.eventType) {
    case 'payment.succeeded':
      base.payment_id = data.payment_id;
      base.subscription_id = data.subscription_id;
      base.amount = (data.total_amount / 100).toFixed(2);
      base.amount_minor = data.total_amount;
      base.currency = data.currency;
      base.status = data.status;
      break;
    case 'subscription.active':
    case 'subscription.cancelled':
      base.subscription_id = data.subscription_id;
      base.product_id = data.product_id;
      base.status = data.status;
      base.amount = (data.recurring_pre_tax_amount / 100).toFixed(2);
      base.currency = data.currency;
      base.next_billing_date = data.next_billing_date;
      base.cancelled_at = data.cancelled_at;
      break;
    case 'refund.succeeded':
      base.refund_id = data.refund_id;
      base.payment_id = data.payment_id;
      base.amount = (data.amount / 100).toFixed(2);
      base.currency = data.currency;
      base.reason = data.reason;
      break;
    default:
      return webhook;
  }
  webhook.payload = base;
  return webhook;
}
`;

const templates: ConnectorTemplate[] = [
  {
    id: 'flat-events',
    name: 'Payments, subscriptions and refunds as flat JSON',
    description:
      'Posts one flat JSON object per event (event, customer, amount, ids) to your n8n Webhook node, easy to map in the next nodes.',
    code: FLAT_EVENTS,
    eventTypes: ['payment.succeeded', 'subscription.active', 'subscription.cancelled', 'refund.succeeded'],
  },
];

export const n8nManifest: ConnectorManifest = {
  id: 'n8n',
  name: 'n8n',
  logo: LOGO,
  category: 'automation',
  description: 'Start an n8n workflow from a Webhook node on every payment, subscription or refund.',
  instructions: INSTRUCTIONS,
  credentials: [],
  regions: [n8nRegions.default],
  authentication: 'url',
  defaultEventTypes: [...new Set(templates.flatMap((template) => template.eventTypes))],
  templates,
};
