import { eventCatalog } from '../../catalog/index.ts';
import type { ConnectorManifest, ConnectorRegion, ConnectorTemplate } from '../connector.ts';

/**
 * The merchant's own API has no host Switchyard can know in advance, so the region lists none; the delivery
 * engine then allows the credentials only to the host of the endpoint's URL (`credentialHostProblem`).
 */
export const customRegion: ConnectorRegion = { id: 'default', label: 'Your API', hosts: [] };

export const CUSTOM_SCHEMES = ['basic', 'bearer', 'header'] as const;
export type CustomScheme = (typeof CUSTOM_SCHEMES)[number];

/** Every payment and subscription event of the catalog. */
export const PAYMENT_AND_SUBSCRIPTION_EVENTS: string[] = eventCatalog
  .map((definition) => definition.name)
  .filter((name) => name.startsWith('payment.') || name.startsWith('subscription.'));

/** An original abstract mark: two brackets around a plug, for "your own API". */
const LOGO = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" width="32" height="32" role="img" aria-label="Custom API">
<rect width="32" height="32" rx="8" fill="#1F2937"/>
<path d="M11 9L6 16L11 23M21 9L26 16L21 23" fill="none" stroke="#9CA3AF" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"/>
<rect x="13" y="13" width="6" height="7" rx="1.5" fill="#34D399"/>
<path d="M14.5 13V10.5M17.5 13V10.5" stroke="#34D399" stroke-width="1.6" stroke-linecap="round"/>
</svg>`;

const INSTRUCTIONS = `1. Enter the **URL of your API** that should receive the events as the endpoint URL (\`https://…\`; plain \`http://\` only for \`localhost\`).
2. Pick how your API authenticates requests in **Scheme**:
   - \`basic\`: HTTP Basic. Fill **Username** and **Password**; Switchyard sends \`Authorization: Basic base64(username:password)\`.
   - \`bearer\`: fill **Token**; Switchyard sends \`Authorization: Bearer <token>\`.
   - \`header\`: fill **Header name** (e.g. \`X-Api-Key\`) and **Header value**; Switchyard sends that header.
3. The credentials are stored encrypted and are only ever sent to the host of the endpoint's URL, never to another host the code might set. Do not put them in the transformation code.
4. The default template passes the event through unchanged: your API receives the signed Standard Webhooks envelope (\`{business_id, type, timestamp, data}\`) with \`webhook-id\`, \`webhook-timestamp\` and \`webhook-signature\` headers as well as your credentials. Edit it to reshape the body, or to post to another path on the same host.
5. Answer 2xx to accept an event. 408, 425, 429 and 5xx are retried (\`Retry-After\` is honoured); 410 disables the endpoint; other answers fail the message without a retry.`;

const PASS_THROUGH = `function handler(webhook) {
  return webhook;
}
`;

const templates: ConnectorTemplate[] = [
  {
    id: 'pass-through',
    name: 'Send the event as it is',
    description:
      'Posts the whole event envelope (business_id, type, timestamp, data) to your API, with your authentication.',
    code: PASS_THROUGH,
    eventTypes: PAYMENT_AND_SUBSCRIPTION_EVENTS,
  },
];

export const customManifest: ConnectorManifest = {
  id: 'custom',
  name: 'Custom API',
  logo: LOGO,
  category: 'custom',
  description: 'Send events to your own API with HTTP Basic, Bearer or API-key header authentication.',
  instructions: INSTRUCTIONS,
  credentials: [
    {
      id: 'scheme',
      label: 'Scheme',
      secret: false,
      pattern: '^(basic|bearer|header)$',
      help: 'How your API authenticates: basic (username and password), bearer (token) or header (a named header and its value).',
      placeholder: 'basic, bearer or header',
    },
    {
      id: 'username',
      required: false,
      label: 'Username',
      secret: false,
      help: 'For the basic scheme: the user name (it may not contain a colon).',
      placeholder: 'e.g. switchyard',
    },
    {
      id: 'password',
      required: false,
      label: 'Password',
      secret: true,
      help: 'For the basic scheme: the password. Stored encrypted and shown masked.',
    },
    {
      id: 'token',
      required: false,
      label: 'Token',
      secret: true,
      help: 'For the bearer scheme: the token sent as Authorization: Bearer <token>. Stored encrypted and shown masked.',
    },
    {
      id: 'headerName',
      required: false,
      label: 'Header name',
      secret: false,
      pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$",
      help: 'For the header scheme: the name of the header your API reads the key from, e.g. X-Api-Key.',
      placeholder: 'e.g. X-Api-Key',
    },
    {
      id: 'headerValue',
      required: false,
      label: 'Header value',
      secret: true,
      help: 'For the header scheme: the value of that header (your API key). Stored encrypted and shown masked.',
    },
  ],
  regions: [customRegion],
  authentication: 'header',
  defaultEventTypes: PAYMENT_AND_SUBSCRIPTION_EVENTS,
  templates,
};
