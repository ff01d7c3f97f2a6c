import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ConnectorManifest, ConnectorRegion, ConnectorTemplate } from '../connector.ts';

/**
 * The published samples, byte for byte: copies kept in `templates/` (a test compares them with the seeds),
 * so that a deployment needs nothing beside the repository.
 */
const TEMPLATE_DIR = new URL('./templates/', import.meta.url);

function readSeed(file: string): string {
  const url = new URL(file, TEMPLATE_DIR);
  try {
    return readFileSync(url, 'utf8');
  } catch (error) {
    throw new Error(
      `the Segment card's template ${fileURLToPath(url)} cannot be read: ${(error as Error).message}`,
    );
  }
}

/** Segment's ingestion hosts per data region; the first region is the default. */
export const segmentRegions: { us: ConnectorRegion; eu: ConnectorRegion } = {
  us: { id: 'us', label: 'United States (default)', hosts: ['api.segment.io'] },
  eu: { id: 'eu', label: 'European Union', hosts: ['events.eu1.segmentapis.com'] },
};

/** An original abstract mark: one source fanning out to three destinations. */
const LOGO = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32" width="32" height="32" role="img" aria-label="Segment">
<rect width="32" height="32" rx="8" fill="#1B4D3E"/>
<path d="M9 16C15 16 15 9 22 9M9 16H22M9 16C15 16 15 23 22 23" fill="none" stroke="#9FE3C8" stroke-width="2" stroke-linecap="round"/>
<circle cx="9" cy="16" r="3" fill="#FFFFFF"/>
<circle cx="23" cy="9" r="2.25" fill="#FFFFFF"/>
<circle cx="23" cy="16" r="2.25" fill="#FFFFFF"/>
<circle cx="23" cy="23" r="2.25" fill="#FFFFFF"/>
</svg>`;

const INSTRUCTIONS = `1. In the Segment app, open **Connections → Sources** and select your **HTTP API** source. If you have none, add one with **Add Source → HTTP API**.
2. In that source, open **Settings → API Keys** and copy the **Write Key**.
3. Paste the Write Key here. Switchyard sends it as HTTP Basic auth (the Write Key as the user name, an empty password); do not put it in the transformation code.
4. Pick the region of your Segment workspace. **EU workspaces must pick EU**: events an EU workspace sends to the US endpoint get no error but never appear in Segment.
5. Pick a template and test it on an example event. The templates post to \`https://api.segment.io\`; for the EU region, write \`https://events.eu1.segmentapis.com\` instead (the test shows where).`;

const templates: ConnectorTemplate[] = [
  {
    id: 'track-payment',
    name: 'Track payments',
    description: 'Sends a "Payment Completed" track event to Segment for every successful payment.',
    code: readSeed('segment-track-payment.js'),
    eventTypes: ['payment.succeeded'],
  },
  {
    id: 'subscription-lifecycle',
    name: 'Track the subscription lifecycle',
    description:
      'Sends "Subscription Started" and "Subscription Cancelled" track events when a subscription becomes active or is cancelled.',
    code: readSeed('segment-subscription-lifecycle.js'),
    eventTypes: ['subscription.active', 'subscription.cancelled'],
  },
  {
    id: 'identify-customer',
    name: 'Identify customers',
    description:
      "Updates the customer's traits in Segment (email, name, last payment) with an identify call on every successful payment.",
    code: readSeed('segment-identify-customer.js'),
    eventTypes: ['payment.succeeded'],
  },
];

export const segmentManifest: ConnectorManifest = {
  id: 'segment',
  name: 'Segment',
  logo: LOGO,
  category: 'analytics',
  description: 'Send payment, subscription and customer events to Segment and on to its downstream tools.',
  instructions: INSTRUCTIONS,
  credentials: [
    {
      id: 'writeKey',
      label: 'Write Key',
      secret: true,
      pattern: '^[A-Za-z0-9]{16,64}$',
      help: 'The Write Key of your Segment HTTP API source: Connections → Sources → your HTTP API source → Settings → API Keys. Usually 32 letters and digits.',
      placeholder: 'e.g. 9hS2kq0XxWbJ5cT1mN7rLp3vZa8dQe4F',
    },
  ],
  regions: [segmentRegions.us, segmentRegions.eu],
  authentication: 'basic',
  defaultEventTypes: [...new Set(templates.flatMap((template) => template.eventTypes))],
  templates,
};
