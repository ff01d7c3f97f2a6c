import { autosend } from './autosend/index.ts';
import { close } from './close/index.ts';
import type { Connector } from './connector.ts';
import { custom } from './custom/index.ts';
import { customerio } from './customerio/index.ts';
import { datafast } from './datafast/index.ts';
import { discord } from './discord/index.ts';
import { dub } from './dub/index.ts';
import { hubspot } from './hubspot/index.ts';
import { inngest } from './inngest/index.ts';
import { keplars } from './keplars/index.ts';
import { loops } from './loops/index.ts';
import { mailerlite } from './mailerlite/index.ts';
import { n8n } from './n8n/index.ts';
import { resend } from './resend/index.ts';
import { segment } from './segment/index.ts';
import { sendgrid } from './sendgrid/index.ts';
import { slack } from './slack/index.ts';
import { teams } from './teams/index.ts';
import { webhook } from './webhook/index.ts';
import { windmill } from './windmill/index.ts';
import { zapier } from './zapier/index.ts';

/**
 * Every integration card, in the order of the platform's dropdown: analytics and marketing first, then
 * chat and automation (the URL is the secret), CRMs and email APIs, and last the generic cards.
 */
export const connectors: readonly Connector[] = [
  segment,
  customerio,
  slack,
  discord,
  teams,
  zapier,
  n8n,
  windmill,
  inngest,
  hubspot,
  close,
  resend,
  sendgrid,
  loops,
  autosend,
  mailerlite,
  keplars,
  datafast,
  dub,
  custom,
  webhook,
];

export function findConnector(id: string): Connector | undefined {
  return connectors.find((c) => c.manifest.id === id);
}
