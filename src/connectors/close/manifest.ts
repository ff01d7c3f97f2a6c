import type { ConnectorManifest, ConnectorRegion, ConnectorTemplate } from '../connector.ts';
import { CLOSE_HOST, CONTACT_PATH, OPPORTUNITY_PATH } from './contract.ts';

/** Close has one API host. */
export const closeRegions: { default: ConnectorRegion } = {
  default: { id: 'default', label: 'Close API', hosts: [CLOSE_HOST] },
};

/** An original abstract mark: a funnel of three narrowing bars. */
const LOGO = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" width="32" height="32" role="img" aria-label="Close CRM">
<rect width="32" height="32" rx="8" fill="#14213D"/>
<rect x="6" y="8" width="20" height="4" rx="2" fill="#FFFFFF"/>
<rect x="9" y="14" width="14" height="4" rx="2" fill="#A7C4FF"/>
<rect x="12" y="20" width="8" height="4" rx="2" fill="#5B8CFF"/>
</svg>`;

const INSTRUCTIONS = `1. In Close, open **Settings → Developer → API Keys** and click **+ New API Key**. Name it (e.g. "Switchyard") and copy the key; it is shown only once.
2. Paste it here. Switchyard sends it the way Close documents for API keys: HTTP Basic auth with the key as the user name and an empty password, and only to \`${CLOSE_HOST}\`. Do not put it in the transformation code.
3. Pick a template and test it on an example event. Without a \`lead_id\`, Close creates a new lead for each contact or opportunity; to attach them to an existing lead, store its id (\`lead_…\`) in the payment or subscription metadata as \`close_lead_id\`, and the templates use it.
4. Opportunities get your organization's default (first) status; to set another, add \`status_id\` (\`stat_…\`, from **Settings → Opportunity Statuses**) to the template.`;

const CREATE_CONTACT = `function handler(webhook) {
  const d = webhook.payload.data;
  switch (webhook.eventType) {
    case "payment.succeeded":
    case "subscription.active": {
      const contact = {
        name: d.customer.name || d.customer.email,
        emails: [{ type: "office", email: d.customer.email }],
      };
      if (d.customer.phone_number) contact.phones = [{ type: "mobile", phone: d.customer.phone_number }];
      if (d.metadata && d.metadata.close_lead_id) contact.lead_id = d.metadata.close_lead_id;
      webhook.url = "https://${CLOSE_HOST}${CONTACT_PATH}";
      webhook.payload = contact;
      break;
    }
  }
  return webhook;
}
`;

const RECORD_OPPORTUNITIES = `function handler(webhook) {
  const d = webhook.payload.data;
  let opportunity;
  switch (webhook.eventType) {
    case "payment.succeeded":
      opportunity = {
        note: "Dodo Payments payment " + d.payment_id + " from " + d.customer.email,
        value: d.total_amount,
        value_period: "one_time",
        value_currency: d.currency || "USD",
        confidence: 100,
        date_won: d.created_at.slice(0, 10),
      };
      break;
    case "subscription.active": {
      const period = { Month: "monthly", Year: "annual" }[d.payment_frequency_interval] || "one_time";
      opportunity = {
        note: "Dodo Payments subscription " + d.subscription_id + " (" + d.customer.email + "), billed every " + d.payment_frequency_count + " " + d.payment_frequency_interval,
        value: d.recurring_pre_tax_amount,
        value_period: d.payment_frequency_count === 1 ? period : "one_time",
        value_currency: d.currency || "USD",
        confidence: 100,
        date_won: d.created_at.slice(0, 10),
      };
      break;
    }
    default:
      return webhook;
  }
  if (d.metadata && d.metadata.close_lead_id) opportunity.lead_id = d.metadata.close_lead_id;
  webhook.url = "https://${CLOSE_HOST}${OPPORTUNITY_PATH}";
  webhook.payload = opportunity;
  return webhook;
}
`;

const templates: ConnectorTemplate[] = [
  {
    id: 'create-contact',
    name: 'Create customers as contacts',
    description:
      'Creates a Close contact (name, email, phone) for the customer of each successful payment or new subscription.',
    code: CREATE_CONTACT,
    eventTypes: ['payment.succeeded', 'subscription.active'],
  },
  {
    id: 'record-opportunities',
    name: 'Record payments as opportunities',
    description:
      'Creates a won opportunity with the amount for every successful payment and new subscription (monthly or annual value).',
    code: RECORD_OPPORTUNITIES,
    eventTypes: ['payment.succeeded', 'subscription.active'],
  },
];

export const closeManifest: ConnectorManifest = {
  id: 'close',
  name: 'Close CRM',
  logo: LOGO,
  category: 'crm',
  description:
    'Create Close contacts for your customers and record payments and subscriptions as opportunities.',
  instructions: INSTRUCTIONS,
  credentials: [
    {
      id: 'apiKey',
      label: 'API Key',
      secret: true,
      pattern: '^api_[A-Za-z0-9._-]{16,128}$',
      help: 'A Close API key: Settings → Developer → API Keys → + New API Key. It starts with api_. Stored encrypted and shown masked.',
      placeholder: 'e.g. api_3kd9Xq2LmP7vRt5Wz.8sYb1NcQ4hFj6Ge0Ua',
    },
  ],
  regions: [closeRegions.default],
  authentication: 'basic',
  defaultEventTypes: [...new Set(templates.flatMap((template) => template.eventTypes))],
  templates,
};
