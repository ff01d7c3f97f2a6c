import type { ConnectorManifest, ConnectorRegion, ConnectorTemplate } from '../connector.ts';
import { ZAPIER_HOST } from './contract.ts';

/** The URL is the secret: the only host a pasted catch-hook URL may have. */
export const zapierRegions: { default: ConnectorRegion } = {
  default: { id: 'default', label: 'Zapier', hosts: [ZAPIER_HOST] },
};

/** An original abstract mark: a spark of four strokes around a centre. */
const LOGO = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" width="32" height="32" role="img" aria-label="Zapier">
<rect width="32" height="32" rx="8" fill="#2D1A10"/>
<path d="M16 6v7M16 19v7M6 16h7M19 16h7M9 9l4.5 4.5M18.5 18.5L23 23M23 9l-4.5 4.5M13.5 18.5L9 23" stroke="#FF6A1F" stroke-width="2.4" stroke-linecap="round"/>
<circle cx="16" cy="16" r="2" fill="#FFF4EC"/>
</svg>`;

const INSTRUCTIONS = `1. In Zapier, create a Zap and choose **Webhooks by Zapier** as the trigger (a paid Zapier plan is needed).
2. Pick the event **Catch Hook** and click **Continue** (leave *Pick off a Child Key* empty).
3. Copy the **webhook URL** Zapier shows (\`https://${ZAPIER_HOST}/hooks/catch/<userId>/<hookId>/\`) and paste it here as the endpoint URL.
4. Back in Zapier, click **Test trigger**, then send a test event from Switchyard: the flat fields (\`event_type\`, \`customer_email\`, \`amount\`, …) appear as the Zap's fields for the next steps.
5. The URL is the secret: anyone who has it can trigger the Zap. Switchyard stores it with the endpoint; do not put it in the transformation code.
6. Zapier limits each account to about 20,000 requests per 5 minutes; Switchyard retries when Zapier answers 429.`;

const FLAT_EVENT = `function handler(webhook) {
  const d = webhook.payload.data;
  const amount = (cents) => (typeof cents === "number" ? (cents / 100).toFixed(2) : null);
  const base = {
    event_type: webhook.eventType,
    timestamp: webhook.payload.timestamp,
    business_id: webhook.payload.business_id,
    customer_id: d.customer ? d.customer.customer_id : null,
    customer_email: d.customer ? d.customer.email : null,
    customer_name: d.customer ? d.customer.name : null,
  };
  switch (webhook.eventType) {
    case "payment.succeeded":
      webhook.payload = Object.assign(base, {
        payment_id: d.payment_id,
        amount: amount(d.total_amount),
        currency: d.currency || "USD",
        payment_method: d.payment_method || "unknown",
        subscription_id: d.subscription_id || null,
        invoice_id: d.invoice_id || null,
      });
      break;
    case "subscription.active":
    case "subscription.cancelled":
      webhook.payload = Object.assign(base, {
        subscription_id: d.subscription_id,
        product_id: d.product_id,
        status: d.status,
        amount: amount(d.recurring_pre_tax_amount),
        currency: d.currency || "USD",
        frequency: d.payment_frequency_interval,
        next_billing_date: d.next_billing_date,
        cancelled_at: d.cancelled_at || null,
        cancel_at_next_billing_date: d.cancel_at_next_billing_date,
        cancellation_feedback: d.cancellation_feedback || null,
      });
      break;
    case "refund.succeeded":
      webhook.payload = Object.assign(base, {
        refund_id: d.refund_id,
        payment_id: d.payment_id,
        amount: amount(d.amount),
        currency: d.currency || "USD",
        is_partial: d.is_partial,
        reason: d.reason || null,
      });
      break;
  }
  return webhook;
}
`;

const templates: ConnectorTemplate[] = [
  {
    id: 'flat-event',
    name: 'Send flat fields to a Zap',
    description:
      'Sends payments, subscription changes and refunds as one flat JSON object (event_type, customer_email, amount, …) that Zap steps can map directly.',
    code: FLAT_EVENT,
    eventTypes: ['payment.succeeded', 'subscription.active', 'subscription.cancelled', 'refund.succeeded'],
  },
];

export const zapierManifest: ConnectorManifest = {
  id: 'zapier',
  name: 'Zapier',
  logo: LOGO,
  category: 'automation',
  description:
    'Trigger a Zap with flat payment and subscription fields through a Webhooks by Zapier catch hook.',
  instructions: INSTRUCTIONS,
  credentials: [],
  regions: [zapierRegions.default],
  authentication: 'url',
  defaultEventTypes: [...new Set(templates.flatMap((template) => template.eventTypes))],
  templates,
};
