import type { ConnectorManifest, ConnectorRegion, ConnectorTemplate } from '../connector.ts';
import { DISCORD_HOST } from './contract.ts';
import { discordOAuth } from './oauth.ts';

/** The URL is the secret: the only host a pasted webhook URL may have. */
export const discordRegions: { default: ConnectorRegion } = {
  default: { id: 'default', label: 'Discord', hosts: [DISCORD_HOST] },
};

/** An original abstract mark: a rounded controller-like shape with two eyes. */
const LOGO = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" width="32" height="32" role="img" aria-label="Discord">
<rect width="32" height="32" rx="8" fill="#4752C4"/>
<path d="M9 11c2-1.5 4.5-2 7-2s5 .5 7 2c1.2 2.6 1.8 5.4 1.6 8.6-1.8 1.6-3.6 2.4-5.4 2.8l-1-1.8c-.7.2-1.5.3-2.2.3s-1.5-.1-2.2-.3l-1 1.8c-1.8-.4-3.6-1.2-5.4-2.8C7.2 16.4 7.8 13.6 9 11z" fill="#FFFFFF"/>
<circle cx="12.8" cy="15.6" r="1.7" fill="#4752C4"/>
<circle cx="19.2" cy="15.6" r="1.7" fill="#4752C4"/>
</svg>`;

const INSTRUCTIONS = `If this installation offers **Connect**, click it, pick the server and channel on Discord's page and **Authorize**: Switchyard receives the webhook URL from Discord and nothing needs pasting. Otherwise:

1. In Discord, open the server, then **Server Settings → Integrations → Webhooks** (you need the *Manage Webhooks* permission).
2. Click **New Webhook**, give it a name (e.g. "Payments") and pick the channel the messages should go to.
3. Click **Copy Webhook URL** (\`https://${DISCORD_HOST}/api/webhooks/{id}/{token}\`) and paste it here as the endpoint URL.
4. The URL is the secret: anyone who has it can post to the channel. Switchyard stores it with the endpoint; do not put it in the transformation code. If it leaks, delete the webhook in Discord and create a new one.
5. If the webhook is deleted, Discord answers 404 and Switchyard disables the endpoint; paste a new URL to resume.
6. Tip: add \`?wait=true\` to the URL to have Discord confirm each message was saved (without it, Discord answers 204 and a message it could not save gives no error).`;

const POST_EMBED = `function handler(webhook) {
  const d = webhook.payload.data;
  const money = (cents, currency) => (cents / 100).toFixed(2) + " " + (currency || "USD");
  const text = (value) => String(value == null ? "-" : value).slice(0, 1024) || "-";
  const customer = d.customer ? text(d.customer.name + " (" + d.customer.email + ")") : "-";
  let embed;
  switch (webhook.eventType) {
    case "payment.succeeded":
      embed = {
        title: "Payment received: " + money(d.total_amount, d.currency),
        color: 0x2ecc71,
        fields: [
          { name: "Customer", value: customer },
          { name: "Payment", value: text(d.payment_id), inline: true },
          { name: "Method", value: text(d.payment_method || "unknown"), inline: true },
        ],
      };
      break;
    case "subscription.active":
      embed = {
        title: "New subscription: " + money(d.recurring_pre_tax_amount, d.currency) + " / " + d.payment_frequency_interval,
        color: 0x3498db,
        fields: [
          { name: "Customer", value: customer },
          { name: "Subscription", value: text(d.subscription_id), inline: true },
          { name: "Product", value: text(d.product_id), inline: true },
          { name: "Next billing", value: text(d.next_billing_date) },
        ],
      };
      break;
    case "subscription.cancelled":
      embed = {
        title: "Subscription cancelled",
        color: 0xe67e22,
        fields: [
          { name: "Customer", value: customer },
          { name: "Subscription", value: text(d.subscription_id), inline: true },
          { name: "Cancelled at", value: text(d.cancelled_at), inline: true },
        ],
      };
      if (d.cancellation_feedback) embed.fields.push({ name: "Reason", value: text(d.cancellation_feedback) });
      break;
    case "refund.succeeded":
      embed = {
        title: "Refund issued: " + money(d.amount, d.currency),
        color: 0xe74c3c,
        fields: [
          { name: "Customer", value: customer },
          { name: "Refund", value: text(d.refund_id), inline: true },
          { name: "Payment", value: text(d.payment_id), inline: true },
        ],
      };
      if (d.reason) embed.fields.push({ name: "Reason", value: text(d.reason) });
      break;
    default:
      return webhook;
  }
  embed.timestamp = webhook.payload.timestamp;
  embed.footer = { text: webhook.eventType };
  webhook.payload = { embeds: [embed] };
  return webhook;
}
`;

const templates: ConnectorTemplate[] = [
  {
    id: 'post-embed',
    name: 'Post payments and subscriptions to a channel',
    description:
      'Posts an embed for successful payments, new and cancelled subscriptions, and refunds, with the customer and the amounts.',
    code: POST_EMBED,
    eventTypes: ['payment.succeeded', 'subscription.active', 'subscription.cancelled', 'refund.succeeded'],
  },
];

export const discordManifest: ConnectorManifest = {
  id: 'discord',
  name: 'Discord',
  logo: LOGO,
  category: 'messaging',
  description: 'Post payment and subscription events to a Discord channel through a channel webhook.',
  instructions: INSTRUCTIONS,
  credentials: [],
  regions: [discordRegions.default],
  authentication: 'url',
  defaultEventTypes: [...new Set(templates.flatMap((template) => template.eventTypes))],
  templates,
  oauth: discordOAuth,
};
