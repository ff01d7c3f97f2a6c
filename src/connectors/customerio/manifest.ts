import type { ConnectorManifest, ConnectorRegion, ConnectorTemplate } from '../connector.ts';
import { CUSTOMERIO_EU_HOST, CUSTOMERIO_US_HOST } from './contract.ts';

/** Customer.io's Track API hosts per data region; the first region is the default. */
export const customerioRegions: { us: ConnectorRegion; eu: ConnectorRegion } = {
  us: { id: 'us', label: 'United States (default)', hosts: [CUSTOMERIO_US_HOST] },
  eu: { id: 'eu', label: 'European Union', hosts: [CUSTOMERIO_EU_HOST] },
};

/** An original abstract mark: a message travelling along a path to a person. */
const LOGO = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" width="32" height="32" role="img" aria-label="Customer.io">
<rect width="32" height="32" rx="8" fill="#2B1B4D"/>
<path d="M7 22C11 22 12 10 17 10S21 20 25 20" fill="none" stroke="#C9B8FF" stroke-width="2" stroke-linecap="round"/>
<circle cx="7" cy="22" r="2.5" fill="#FFFFFF"/>
<circle cx="25" cy="12.5" r="2.5" fill="#FFFFFF"/>
<path d="M21.5 20.5a3.5 3.5 0 0 1 7 0" fill="#FFFFFF"/>
</svg>`;

const INSTRUCTIONS = `1. In Customer.io, open **Settings → Workspace Settings → API and webhook credentials**.
2. On the **Tracking API keys** tab, copy the **Site ID** and the **API Key** of the workspace the events should go to (create a key if the workspace has none).
3. Paste them here. Switchyard sends them as HTTP Basic auth (\`base64(site_id:api_key)\`) and only to Customer.io's Track API host; do not put them in the transformation code.
4. Pick the data region of your Customer.io account. **EU accounts choose EU**: an EU account's data sent to the US host is redirected through the US, and a US account cannot send to the EU host.
5. Pick a template and test it on an example event. The templates post to \`https://${CUSTOMERIO_US_HOST}/api/v2/entity\`; for the EU region, write \`https://${CUSTOMERIO_EU_HOST}/api/v2/entity\` instead (the test shows where).
6. Events are sent as \`action: "event"\` with a \`name\` (the name your campaigns trigger on); person updates as \`action: "identify"\`. Switchyard adds an event \`id\` derived from the message, so a retried delivery is not recorded twice.`;

/**
 * Dodo's published samples (shared/seeds/transformations/customerio-*.js), in the form the Track v2 API accepts:
 * the same structure and attributes, but a person event is `action: "event"` with the event `name`
 * (the samples' `payment_completed`, `subscription_started` and `subscription_cancelled` are not actions).
 */
const TRACK_PAYMENT = `function handler(webhook) {
  if (webhook.eventType === "payment.succeeded") {
    const p = webhook.payload.data;
    webhook.url = "https://${CUSTOMERIO_US_HOST}/api/v2/entity";
    webhook.payload = {
      type: "person",
      identifiers: {
        id: p.customer.customer_id,
      },
      action: "event",
      name: "Payment Completed",
      attributes: {
        email: p.customer.email,
        name: p.customer.name,
        payment_amount: (p.total_amount / 100).toFixed(2),
        payment_method: p.payment_method || "unknown",
        payment_id: p.payment_id,
        currency: p.currency || "USD",
      },
    };
  }
  return webhook;
}
`;

const SUBSCRIPTION_LIFECYCLE = `function handler(webhook) {
  const s = webhook.payload.data;
  switch (webhook.eventType) {
    case "subscription.active":
      webhook.url = "https://${CUSTOMERIO_US_HOST}/api/v2/entity";
      webhook.payload = {
        type: "person",
        identifiers: {
          id: s.customer.customer_id,
        },
        action: "event",
        name: "Subscription Started",
        attributes: {
          email: s.customer.email,
          subscription_id: s.subscription_id,
          product_id: s.product_id,
          amount: (s.recurring_pre_tax_amount / 100).toFixed(2),
          frequency: s.payment_frequency_interval,
          next_billing: s.next_billing_date,
        },
      };
      break;
    case "subscription.cancelled":
      webhook.url = "https://${CUSTOMERIO_US_HOST}/api/v2/entity";
      webhook.payload = {
        type: "person",
        identifiers: {
          id: s.customer.customer_id,
        },
        action: "event",
        name: "Subscription Cancelled",
        attributes: {
          email: s.customer.email,
          subscription_id: s.subscription_id,
          cancelled_at: s.cancelled_at,
          cancel_at_next_billing: s.cancel_at_next_billing_date,
        },
      };
      break;
  }
  return webhook;
}
`;

/** The sample already sends `action: "identify"`; its `name` means nothing to an identify and is left out. */
const CUSTOMER_ATTRIBUTES = `function handler(webhook) {
  if (webhook.eventType === "payment.succeeded") {
    const p = webhook.payload.data;
    webhook.url = "https://${CUSTOMERIO_US_HOST}/api/v2/entity";
    webhook.payload = {
      type: "person",
      identifiers: {
        id: p.customer.customer_id,
      },
      action: "identify",
      attributes: {
        email: p.customer.email,
        name: p.customer.name,
        total_spent: (p.total_amount / 100).toFixed(2),
        payment_method: p.payment_method || "unknown",
        last_payment_date: webhook.payload.timestamp,
        customer_since: webhook.payload.timestamp,
      },
    };
  }
  return webhook;
}
`;

const templates: ConnectorTemplate[] = [
  {
    id: 'track-payment',
    name: 'Track payments',
    description:
      'Sends a "Payment Completed" event to the customer\'s person in Customer.io for every successful payment, to trigger campaigns.',
    code: TRACK_PAYMENT,
    eventTypes: ['payment.succeeded'],
  },
  {
    id: 'subscription-lifecycle',
    name: 'Track the subscription lifecycle',
    description:
      'Sends "Subscription Started" and "Subscription Cancelled" events when a subscription becomes active or is cancelled.',
    code: SUBSCRIPTION_LIFECYCLE,
    eventTypes: ['subscription.active', 'subscription.cancelled'],
  },
  {
    id: 'customer-attributes',
    name: 'Update customer attributes',
    description:
      "Creates or updates the customer's person in Customer.io (email, name, amount spent, payment method, last payment date) on every successful payment.",
    code: CUSTOMER_ATTRIBUTES,
    eventTypes: ['payment.succeeded'],
  },
];

export const customerioManifest: ConnectorManifest = {
  id: 'customerio',
  name: 'Customer.io',
  logo: LOGO,
  category: 'marketing',
  description:
    'Trigger Customer.io campaigns and keep customer attributes current from payment and subscription events.',
  instructions: INSTRUCTIONS,
  credentials: [
    {
      id: 'siteId',
      label: 'Site ID',
      secret: false,
      pattern: '^[A-Za-z0-9]{8,64}$',
      help: 'The Site ID of your workspace: Settings → Workspace Settings → API and webhook credentials → Tracking API keys. Not a secret on its own; it is the user name of the Track API credentials.',
      placeholder: 'e.g. 3f9a1c2b7d4e6f8a0b1c',
    },
    {
      id: 'apiKey',
      label: 'API Key',
      secret: true,
      pattern: '^[A-Za-z0-9]{8,128}$',
      help: 'The Tracking API Key shown next to the Site ID (not an App API key). Stored encrypted and shown masked.',
      placeholder: 'e.g. 8b2d4f6a1c3e5a7b9d0f',
    },
  ],
  regions: [customerioRegions.us, customerioRegions.eu],
  authentication: 'basic',
  defaultEventTypes: [...new Set(templates.flatMap((template) => template.eventTypes))],
  templates,
};
