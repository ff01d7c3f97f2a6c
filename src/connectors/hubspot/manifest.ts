import type { ConnectorManifest, ConnectorRegion, ConnectorTemplate } from '../connector.ts';
import { CONTACTS_UPSERT_PATH, DEALS_PATH, HUBSPOT_ALT_HOST, HUBSPOT_HOST } from './contract.ts';
import { hubspotOAuth } from './oauth.ts';

/**
 * HubSpot's API hosts. One region: the EU host `api-eu1.hubapi.com` is [unverified] (destinations.md §4a), and
 * `api.hubapi.com` serves every portal.
 */
export const hubspotRegions: { default: ConnectorRegion } = {
  default: { id: 'default', label: 'HubSpot API', hosts: [HUBSPOT_HOST, HUBSPOT_ALT_HOST] },
};

/** An original abstract mark: three linked nodes around a hub. */
const LOGO = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" width="32" height="32" role="img" aria-label="HubSpot">
<rect width="32" height="32" rx="8" fill="#3D2A1E"/>
<path d="M16 16L9 9M16 16L24 12M16 16L12 24" stroke="#FFB38A" stroke-width="2" stroke-linecap="round"/>
<circle cx="16" cy="16" r="4" fill="#FF8A4C"/>
<circle cx="9" cy="9" r="2.5" fill="#FFFFFF"/>
<circle cx="24" cy="12" r="2.5" fill="#FFFFFF"/>
<circle cx="12" cy="24" r="2.5" fill="#FFFFFF"/>
</svg>`;

const INSTRUCTIONS = `If this installation offers **Connect**, click it, pick the portal on HubSpot's page and **Connect app** (as a Super Admin): Switchyard keeps the tokens and renews them itself, and steps 1–4 are not needed. Otherwise:

1. In HubSpot (as a Super Admin), open **Settings → Integrations → Private Apps** (in newer accounts: **Development → Legacy apps → Create a private app**).
2. Name the app (e.g. "Switchyard"), and on **Scopes** tick \`crm.objects.contacts.write\` and \`crm.objects.deals.write\` (and their \`.read\` scopes).
3. **Create app**, then on **Auth** show and copy the **Access token** (it starts with \`pat-\`).
4. Paste it here. Switchyard sends it as \`Authorization: Bearer pat-…\` and only to \`${HUBSPOT_HOST}\`; do not put it in the transformation code.
5. Pick a template and test it on an example event. Property names must exist in your portal: the templates use HubSpot's default contact and deal properties; add your own custom properties in **Settings → Properties** first.
6. Your portal's API limits are shared by every app in it. Bursts over the 10-second limit are retried; once the **daily** limit is used up, deliveries fail until it resets at midnight in the portal's time zone.`;

const SYNC_CONTACT = `function handler(webhook) {
  const d = webhook.payload.data;
  switch (webhook.eventType) {
    case "payment.succeeded":
    case "subscription.active":
    case "subscription.cancelled": {
      const name = (d.customer.name || "").trim();
      const space = name.indexOf(" ");
      const properties = {
        email: d.customer.email,
        firstname: space > 0 ? name.slice(0, space) : name,
        lastname: space > 0 ? name.slice(space + 1) : "",
      };
      if (d.customer.phone_number) properties.phone = d.customer.phone_number;
      webhook.url = "https://${HUBSPOT_HOST}${CONTACTS_UPSERT_PATH}";
      webhook.payload = {
        inputs: [{ idProperty: "email", id: d.customer.email, properties: properties }],
      };
      break;
    }
  }
  return webhook;
}
`;

const RECORD_DEALS = `function handler(webhook) {
  const d = webhook.payload.data;
  switch (webhook.eventType) {
    case "payment.succeeded":
      webhook.url = "https://${HUBSPOT_HOST}${DEALS_PATH}";
      webhook.payload = {
        properties: {
          dealname: "Payment " + d.payment_id + " (" + d.customer.email + ")",
          amount: (d.total_amount / 100).toFixed(2),
          deal_currency_code: d.currency || "USD",
          pipeline: "default",
          dealstage: "closedwon",
          closedate: d.created_at,
          description: "Dodo Payments payment " + d.payment_id,
        },
      };
      break;
    case "subscription.active":
      webhook.url = "https://${HUBSPOT_HOST}${DEALS_PATH}";
      webhook.payload = {
        properties: {
          dealname: "Subscription " + d.subscription_id + " (" + d.customer.email + ")",
          amount: (d.recurring_pre_tax_amount / 100).toFixed(2),
          deal_currency_code: d.currency || "USD",
          pipeline: "default",
          dealstage: "closedwon",
          closedate: d.created_at,
          description: "Dodo Payments subscription " + d.subscription_id + ", billed every " + d.payment_frequency_count + " " + d.payment_frequency_interval,
        },
      };
      break;
  }
  return webhook;
}
`;

const templates: ConnectorTemplate[] = [
  {
    id: 'sync-contact',
    name: 'Sync customers as contacts',
    description:
      'Creates or updates the customer as a HubSpot contact (by email) on payments and subscription changes.',
    code: SYNC_CONTACT,
    eventTypes: ['payment.succeeded', 'subscription.active', 'subscription.cancelled'],
  },
  {
    id: 'record-deals',
    name: 'Record payments as deals',
    description:
      'Creates a closed-won deal in the default pipeline for every successful payment and new subscription.',
    code: RECORD_DEALS,
    eventTypes: ['payment.succeeded', 'subscription.active'],
  },
];

export const hubspotManifest: ConnectorManifest = {
  id: 'hubspot',
  name: 'HubSpot',
  logo: LOGO,
  category: 'crm',
  description: 'Keep HubSpot contacts current and record payments and subscriptions as deals.',
  instructions: INSTRUCTIONS,
  credentials: [
    {
      id: 'accessToken',
      label: 'Private app access token',
      secret: true,
      pattern: '^pat-[a-z]{2}[0-9]-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$',
      help: 'The access token of a HubSpot private app with the CRM contacts and deals write scopes: Settings → Integrations → Private Apps → your app → Auth. Starts with pat-. Stored encrypted and shown masked.',
      placeholder: 'e.g. pat-na1-12345678-abcd-4ef0-9abc-1234567890ab',
    },
  ],
  regions: [hubspotRegions.default],
  authentication: 'bearer',
  defaultEventTypes: [...new Set(templates.flatMap((template) => template.eventTypes))],
  templates,
  oauth: hubspotOAuth,
};
