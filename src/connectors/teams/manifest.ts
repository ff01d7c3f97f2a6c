import type { ConnectorManifest, ConnectorRegion, ConnectorTemplate } from '../connector.ts';
import { TEAMS_LEGACY_DOMAINS, TEAMS_WORKFLOWS_DOMAINS } from './contract.ts';

/**
 * The URL is the secret. Teams webhook URLs have per-tenant and per-region subdomains
 * (`contoso.webhook.office.com`, `prod-12.westus.logic.azure.com`), so these hosts are domains: the check accepts
 * them and any subdomain of them.
 */
export const teamsRegions: { default: ConnectorRegion } = {
  default: {
    id: 'default',
    label: 'Microsoft Teams',
    hosts: [...TEAMS_LEGACY_DOMAINS, ...TEAMS_WORKFLOWS_DOMAINS],
  },
};

/** An original abstract mark: two overlapping tiles and a dot. */
const LOGO = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" width="32" height="32" role="img" aria-label="Microsoft Teams">
<rect width="32" height="32" rx="8" fill="#464EB8"/>
<rect x="6" y="10" width="13" height="13" rx="2.5" fill="#FFFFFF"/>
<rect x="15" y="13" width="11" height="10" rx="3" fill="#C5C8F5" opacity="0.9"/>
<circle cx="21.5" cy="8.5" r="2.5" fill="#C5C8F5"/>
<path d="M9.5 13.5h6M12.5 13.5v6.5" stroke="#464EB8" stroke-width="1.8" stroke-linecap="round"/>
</svg>`;

const INSTRUCTIONS = `Teams offers two kinds of webhook URL; either works here.

**Workflows (recommended; Microsoft is retiring the old connectors)**
1. In Teams, open the channel, click **⋯ → Workflows**, and pick the template **"Post to a channel when a webhook request is received"**.
2. Name it, choose the team and channel, and click **Add workflow**.
3. Copy the URL shown (\`https://prod-NN.<region>.logic.azure.com:443/workflows/…&sig=…\`) and paste it here as the endpoint URL.

**Incoming Webhook (legacy connector)**
1. In the channel, click **⋯ → Manage channel → Connectors → Edit**, find **Incoming Webhook** and click **Configure**.
2. Name it, click **Create**, copy the URL (\`https://<tenant>.webhook.office.com/webhookb2/…\`) and paste it here.

The URL is the secret: anyone who has it can post to the channel (for Workflows, the \`sig=\` part is the key). Switchyard stores it with the endpoint; do not put it in the transformation code. The template sends an Adaptive Card, which both kinds accept. Teams throttles each webhook (about 4 messages per second); Switchyard retries throttled messages.`;

const POST_CARD = `function handler(webhook) {
  const d = webhook.payload.data;
  const money = (cents, currency) => (cents / 100).toFixed(2) + " " + (currency || "USD");
  const text = (value) => String(value == null ? "-" : value);
  const customer = d.customer ? text(d.customer.name) + " (" + text(d.customer.email) + ")" : "-";
  let title;
  let facts;
  switch (webhook.eventType) {
    case "payment.succeeded":
      title = "Payment received: " + money(d.total_amount, d.currency);
      facts = [["Customer", customer], ["Payment", d.payment_id], ["Method", d.payment_method || "unknown"]];
      break;
    case "subscription.active":
      title = "New subscription: " + money(d.recurring_pre_tax_amount, d.currency) + " / " + text(d.payment_frequency_interval);
      facts = [["Customer", customer], ["Subscription", d.subscription_id], ["Product", d.product_id], ["Next billing", d.next_billing_date]];
      break;
    case "subscription.cancelled":
      title = "Subscription cancelled";
      facts = [["Customer", customer], ["Subscription", d.subscription_id], ["Cancelled at", d.cancelled_at]];
      if (d.cancellation_feedback) facts.push(["Reason", d.cancellation_feedback]);
      break;
    case "refund.succeeded":
      title = "Refund issued: " + money(d.amount, d.currency);
      facts = [["Customer", customer], ["Refund", d.refund_id], ["Payment", d.payment_id]];
      if (d.reason) facts.push(["Reason", d.reason]);
      break;
    default:
      return webhook;
  }
  webhook.payload = {
    type: "message",
    attachments: [
      {
        contentType: "application/vnd.microsoft.card.adaptive",
        contentUrl: null,
        content: {
          $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
          type: "AdaptiveCard",
          version: "1.4",
          body: [
            { type: "TextBlock", text: title, size: "Medium", weight: "Bolder", wrap: true },
            { type: "FactSet", facts: facts.map((fact) => ({ title: fact[0], value: text(fact[1]) })) },
            { type: "TextBlock", text: webhook.eventType + " · " + text(webhook.payload.timestamp), isSubtle: true, size: "Small", wrap: true },
          ],
        },
      },
    ],
  };
  return webhook;
}
`;

const templates: ConnectorTemplate[] = [
  {
    id: 'post-card',
    name: 'Post payments and subscriptions to a channel',
    description:
      'Posts an Adaptive Card for successful payments, new and cancelled subscriptions, and refunds; works with Workflows and legacy Incoming Webhook URLs.',
    code: POST_CARD,
    eventTypes: ['payment.succeeded', 'subscription.active', 'subscription.cancelled', 'refund.succeeded'],
  },
];

export const teamsManifest: ConnectorManifest = {
  id: 'teams',
  name: 'Microsoft Teams',
  logo: LOGO,
  category: 'messaging',
  description:
    'Post payment and subscription events to a Teams channel as Adaptive Cards, through Workflows or an Incoming Webhook.',
  instructions: INSTRUCTIONS,
  credentials: [],
  regions: [teamsRegions.default],
  authentication: 'url',
  defaultEventTypes: [...new Set(templates.flatMap((template) => template.eventTypes))],
  templates,
};
