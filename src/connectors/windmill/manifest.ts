import type { ConnectorManifest, ConnectorRegion, ConnectorTemplate } from '../connector.ts';

/**
 * Windmill runs on app.windmill.dev or on the merchant's own instance, so the pasted webhook URL's host cannot be
 * listed: the region names no hosts and `check` accepts any HTTPS host. The URL is the secret, and only in its
 * `?token=` form (destinations.md §3f).
 */
export const windmillRegions: { default: ConnectorRegion } = {
  default: { id: 'default', label: 'Windmill Cloud or your own instance', hosts: [] },
};

/** An original abstract mark: four vanes around a hub. */
const LOGO = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" width="32" height="32" role="img" aria-label="Windmill">
<rect width="32" height="32" rx="8" fill="#1E2A44"/>
<path d="M16 16L16 6L20 9ZM16 16L26 16L23 20ZM16 16L16 26L12 23ZM16 16L6 16L9 12Z" fill="#A9C8FF"/>
<circle cx="16" cy="16" r="2.5" fill="#FFFFFF"/>
</svg>`;

const INSTRUCTIONS = `1. In Windmill, open the script (or flow) that should run on each event. Its \`main\` parameters receive the fields the template sends (\`event\`, \`customer_email\`, \`amount\`, …).
2. Open the script's **Details → Webhooks** tab. Pick the endpoint: **async** (\`…/jobs/run/p/…\`, returns a job id at once) is recommended; \`run_wait_result\` waits for the script to finish.
3. On the same tab, create a **webhook-specific token** scoped to this script, and choose **Token in query**, so the URL ends in \`?token=…\`.
4. Copy the whole URL, e.g. \`https://app.windmill.dev/api/w/acme/jobs/run/p/u/ada/on_payment?token=…\`, and paste it here. A URL without \`?token=\` cannot work: Switchyard sends no Authorization header for this card.
5. Keep the URL private: anyone who has it can run the script.`;

const FLAT_ARGS = `function handler(webhook) {
  var event = webhook.payload;
  var data = event.data;
  var customer = data.customer || {};
  var args = {
    event: webhook.eventType,
    business_id: event.business_id,
    timestamp: event.timestamp,
    customer_id: customer.customer_id,
    customer_email: customer.email,
    customer_name: customer.name
  };
  switch (webhook.eventType) {
    case 'payment.succeeded':
      args.payment_id = data.payment_id;
      args.subscription_id = data.subscription_id;
      args.amount = (data.total_amount / 100).toFixed(2);
      args.amount_minor = data.total_amount;
      args.currency = data.currency;
      break;
    case 'subscription.active':
    case 'subscription.cancelled':
      args.subscription_id = data.subscription_id;
      args.product_id = data.product_id;
      args.status = data.status;
      args.next_billing_date = data.next_billing_date;
      args.cancelled_at = data.cancelled_at;
      break;
    default:
      return webhook;
  }
  webhook.payload = args;
  return webhook;
}
`;

const templates: ConnectorTemplate[] = [
  {
    id: 'script-args',
    name: 'Run a script with the event as arguments',
    description:
      "Runs your Windmill script or flow with one flat JSON object per payment or subscription change; its keys are the script's main parameters.",
    code: FLAT_ARGS,
    eventTypes: ['payment.succeeded', 'subscription.active', 'subscription.cancelled'],
  },
];

export const windmillManifest: ConnectorManifest = {
  id: 'windmill',
  name: 'Windmill',
  logo: LOGO,
  category: 'automation',
  description: 'Run a Windmill script or flow on every payment or subscription change.',
  instructions: INSTRUCTIONS,
  credentials: [],
  regions: [windmillRegions.default],
  authentication: 'url',
  defaultEventTypes: [...new Set(templates.flatMap((template) => template.eventTypes))],
  templates,
};
