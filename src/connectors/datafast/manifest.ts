import type { ConnectorManifest, ConnectorRegion, ConnectorTemplate } from '../connector.ts';
import { DATAFAST_HOST, PAYMENTS_URL, ZERO_DECIMAL_CURRENCIES } from './contract.ts';

export const datafastRegions: { default: ConnectorRegion } = {
  default: { id: 'default', label: 'DataFast API', hosts: [DATAFAST_HOST] },
};

/** An original abstract mark: rising bars with a spark. */
const LOGO = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" width="32" height="32" role="img" aria-label="DataFast">
<rect width="32" height="32" rx="8" fill="#1B1530"/>
<rect x="7" y="18" width="4" height="7" rx="1" fill="#FF8A4C"/>
<rect x="14" y="13" width="4" height="12" rx="1" fill="#FF8A4C"/>
<rect x="21" y="8" width="4" height="17" rx="1" fill="#FFFFFF"/>
</svg>`;

const INSTRUCTIONS = `1. Install the DataFast tracking script on your website; it sets the \`datafast_visitor_id\` cookie.
2. When you create a Dodo Payments checkout, read that cookie and store it in the payment's **metadata** as \`datafast_visitor_id\`. Payments without it are recorded but cannot be attributed to a marketing channel.
3. In DataFast, open your website's **Settings → API** and create an API key.
4. Paste the key here. Switchyard sends it as \`Authorization: Bearer <key>\`, only to \`${DATAFAST_HOST}\`; do not put it in the transformation code.
5. The template posts successful payments to \`${PAYMENTS_URL}\` with the payment id as \`transaction_id\`, so a retried delivery is not counted twice. Other events are skipped (\`return null\`).
6. Amounts are sent in the currency's major unit; zero-decimal currencies (${ZERO_DECIMAL_CURRENCIES.join(', ')}) are sent as they are.`;

const REVENUE_ATTRIBUTION = `function handler(webhook) {
  if (webhook.eventType !== "payment.succeeded") return null;
  const ZERO_DECIMAL = ${JSON.stringify(ZERO_DECIMAL_CURRENCIES)};
  const p = webhook.payload.data;
  const currency = String(p.currency || "USD").toUpperCase();
  const metadata = p.metadata || {};
  webhook.url = "${PAYMENTS_URL}";
  webhook.payload = {
    amount: ZERO_DECIMAL.includes(currency) ? p.total_amount : p.total_amount / 100,
    currency: currency,
    transaction_id: p.payment_id,
    email: p.customer.email,
    name: p.customer.name,
    customer_id: p.customer.customer_id,
    renewal: false,
    refunded: false,
    timestamp: webhook.payload.timestamp,
  };
  if (metadata.datafast_visitor_id) {
    webhook.payload.datafast_visitor_id = String(metadata.datafast_visitor_id);
  }
  return webhook;
}
`;

const templates: ConnectorTemplate[] = [
  {
    id: 'revenue-attribution',
    name: 'Attribute revenue',
    description:
      'Records every successful payment in DataFast, with the visitor id stored in the payment metadata, so revenue is attributed to its marketing channel.',
    code: REVENUE_ATTRIBUTION,
    eventTypes: ['payment.succeeded'],
  },
];

export const datafastManifest: ConnectorManifest = {
  id: 'datafast',
  name: 'DataFast',
  logo: LOGO,
  category: 'analytics',
  description: 'Attribute Dodo Payments revenue to the marketing channels that brought each customer.',
  instructions: INSTRUCTIONS,
  credentials: [
    {
      id: 'apiKey',
      label: 'API key',
      secret: true,
      pattern: '^\\S{8,512}$',
      help: "Your website's DataFast API key (Settings → API, starts with df_). Stored encrypted and shown masked.",
      placeholder: 'df_...',
    },
  ],
  regions: [datafastRegions.default],
  authentication: 'bearer',
  defaultEventTypes: [...new Set(templates.flatMap((template) => template.eventTypes))],
  templates,
};
