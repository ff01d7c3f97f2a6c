import type { ConnectorManifest, ConnectorRegion, ConnectorTemplate } from '../connector.ts';
import { SLACK_HOST } from './contract.ts';
import { slackOAuth } from './oauth.ts';

/** The URL is the secret: the only host a pasted incoming-webhook URL may have. */
export const slackRegions: { default: ConnectorRegion } = {
  default: { id: 'default', label: 'Slack', hosts: [SLACK_HOST] },
};

/** An original abstract mark: a speech bubble with four dots. */
const LOGO = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" width="32" height="32" role="img" aria-label="Slack">
<rect width="32" height="32" rx="8" fill="#3B1F3F"/>
<path d="M8 9h16a2 2 0 0 1 2 2v8a2 2 0 0 1-2 2H14l-5 4v-4H8a2 2 0 0 1-2-2v-8a2 2 0 0 1 2-2z" fill="#F4EDE4"/>
<circle cx="11" cy="15" r="1.6" fill="#2EB67D"/>
<circle cx="14.7" cy="15" r="1.6" fill="#36C5F0"/>
<circle cx="18.4" cy="15" r="1.6" fill="#ECB22E"/>
<circle cx="22" cy="15" r="1.6" fill="#E01E5A"/>
</svg>`;

const INSTRUCTIONS = `If this installation offers **Connect**, click it, pick the channel on Slack's page and **Allow**: Switchyard receives the webhook URL from Slack and nothing needs pasting. Otherwise:

1. In Slack, open **https://api.slack.com/apps**, choose **Create New App → From scratch**, name it (e.g. "Payments") and pick your workspace.
2. Under **Features → Incoming Webhooks**, switch **Activate Incoming Webhooks** on.
3. Click **Add New Webhook to Workspace**, pick the channel the messages should go to, and **Allow**.
4. Copy the **Webhook URL** (\`https://${SLACK_HOST}/services/T…/B…/…\`) and paste it here as the endpoint URL.
5. The URL is the secret: anyone who has it can post to the channel. Switchyard stores it with the endpoint; do not put it in the transformation code. If it leaks, remove the webhook in Slack and create a new one.
6. Slack takes about one message per second per webhook; Switchyard waits and retries when Slack asks it to.`;

const POST_MESSAGE = `function handler(webhook) {
  const d = webhook.payload.data;
  const esc = (value) => String(value == null ? "" : value).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  const money = (cents, currency) => (cents / 100).toFixed(2) + " " + (currency || "USD");
  const who = d.customer ? esc(d.customer.name) + " (" + esc(d.customer.email) + ")" : "a customer";
  let title;
  let lines;
  switch (webhook.eventType) {
    case "payment.succeeded":
      title = "Payment received: " + money(d.total_amount, d.currency);
      lines = ["*Customer:* " + who, "*Payment:* " + esc(d.payment_id), "*Method:* " + esc(d.payment_method || "unknown")];
      break;
    case "subscription.active":
      title = "New subscription: " + money(d.recurring_pre_tax_amount, d.currency) + " / " + esc(d.payment_frequency_interval);
      lines = ["*Customer:* " + who, "*Subscription:* " + esc(d.subscription_id), "*Product:* " + esc(d.product_id), "*Next billing:* " + esc(d.next_billing_date)];
      break;
    case "subscription.cancelled":
      title = "Subscription cancelled";
      lines = ["*Customer:* " + who, "*Subscription:* " + esc(d.subscription_id), "*Cancelled at:* " + esc(d.cancelled_at)];
      if (d.cancellation_feedback) lines.push("*Reason:* " + esc(d.cancellation_feedback));
      break;
    case "refund.succeeded":
      title = "Refund issued: " + money(d.amount, d.currency);
      lines = ["*Customer:* " + who, "*Refund:* " + esc(d.refund_id), "*Payment:* " + esc(d.payment_id)];
      if (d.reason) lines.push("*Reason:* " + esc(d.reason));
      break;
    default:
      return webhook;
  }
  webhook.payload = {
    text: title,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: "*" + title + "*\\n" + lines.join("\\n") } },
      { type: "context", elements: [{ type: "mrkdwn", text: esc(webhook.eventType) + " · " + esc(webhook.payload.timestamp) }] },
    ],
  };
  return webhook;
}
`;

const templates: ConnectorTemplate[] = [
  {
    id: 'post-message',
    name: 'Post payments and subscriptions to a channel',
    description:
      'Posts a short message (with a plain-text fallback) for successful payments, new and cancelled subscriptions, and refunds.',
    code: POST_MESSAGE,
    eventTypes: ['payment.succeeded', 'subscription.active', 'subscription.cancelled', 'refund.succeeded'],
  },
];

export const slackManifest: ConnectorManifest = {
  id: 'slack',
  name: 'Slack',
  logo: LOGO,
  category: 'messaging',
  description: 'Post payment and subscription events to a Slack channel through an incoming webhook.',
  instructions: INSTRUCTIONS,
  credentials: [],
  regions: [slackRegions.default],
  authentication: 'url',
  defaultEventTypes: [...new Set(templates.flatMap((template) => template.eventTypes))],
  templates,
  oauth: slackOAuth,
};
