import type { Config } from '../config/index.ts';
import { type Connector, findConnector } from '../connectors/index.ts';

/** The installation's OAuth app at one vendor, for one card. */
export interface OAuthClient {
  connector: Connector;
  clientId: string;
  clientSecret: string;
  authorizeUrl: string;
  tokenUrl: string;
}

/** OAuth clients by card id: a card offers Connect exactly when it has one here. */
export type OAuthClients = ReadonlyMap<string, OAuthClient>;

type OAuthSettings = Pick<
  Config,
  | 'SWITCHYARD_OAUTH_SLACK_CLIENT_ID'
  | 'SWITCHYARD_OAUTH_SLACK_CLIENT_SECRET'
  | 'SWITCHYARD_OAUTH_SLACK_AUTHORIZE_URL'
  | 'SWITCHYARD_OAUTH_SLACK_TOKEN_URL'
  | 'SWITCHYARD_OAUTH_DISCORD_CLIENT_ID'
  | 'SWITCHYARD_OAUTH_DISCORD_CLIENT_SECRET'
  | 'SWITCHYARD_OAUTH_DISCORD_AUTHORIZE_URL'
  | 'SWITCHYARD_OAUTH_DISCORD_TOKEN_URL'
  | 'SWITCHYARD_OAUTH_HUBSPOT_CLIENT_ID'
  | 'SWITCHYARD_OAUTH_HUBSPOT_CLIENT_SECRET'
  | 'SWITCHYARD_OAUTH_HUBSPOT_AUTHORIZE_URL'
  | 'SWITCHYARD_OAUTH_HUBSPOT_TOKEN_URL'
>;

/** The configured clients; the vendor's own URLs unless the configuration replaces them. */
export function oauthClientsFromConfig(config: OAuthSettings): OAuthClients {
  const settings = [
    {
      card: 'slack',
      clientId: config.SWITCHYARD_OAUTH_SLACK_CLIENT_ID,
      clientSecret: config.SWITCHYARD_OAUTH_SLACK_CLIENT_SECRET,
      authorizeUrl: config.SWITCHYARD_OAUTH_SLACK_AUTHORIZE_URL,
      tokenUrl: config.SWITCHYARD_OAUTH_SLACK_TOKEN_URL,
    },
    {
      card: 'discord',
      clientId: config.SWITCHYARD_OAUTH_DISCORD_CLIENT_ID,
      clientSecret: config.SWITCHYARD_OAUTH_DISCORD_CLIENT_SECRET,
      authorizeUrl: config.SWITCHYARD_OAUTH_DISCORD_AUTHORIZE_URL,
      tokenUrl: config.SWITCHYARD_OAUTH_DISCORD_TOKEN_URL,
    },
    {
      card: 'hubspot',
      clientId: config.SWITCHYARD_OAUTH_HUBSPOT_CLIENT_ID,
      clientSecret: config.SWITCHYARD_OAUTH_HUBSPOT_CLIENT_SECRET,
      authorizeUrl: config.SWITCHYARD_OAUTH_HUBSPOT_AUTHORIZE_URL,
      tokenUrl: config.SWITCHYARD_OAUTH_HUBSPOT_TOKEN_URL,
    },
  ];
  const clients = new Map<string, OAuthClient>();
  for (const { card, clientId, clientSecret, authorizeUrl, tokenUrl } of settings) {
    const connector = findConnector(card);
    const oauth = connector?.manifest.oauth;
    if (!connector || !oauth || !clientId || !clientSecret) continue;
    clients.set(card, {
      connector,
      clientId,
      clientSecret,
      authorizeUrl: authorizeUrl ?? oauth.authorizeUrl,
      tokenUrl: tokenUrl ?? oauth.tokenUrl,
    });
  }
  return clients;
}
