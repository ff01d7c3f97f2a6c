import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/index.ts';
import { authorizationUrl } from './authorization-url.ts';
import { oauthClientsFromConfig } from './oauth-clients.ts';
import { oauthRedirectUri } from './oauth-redirect-uri.ts';

describe('OAuth clients and authorization URLs', () => {
  it('has a client exactly for the configured vendors, at the vendor’s URLs unless replaced', () => {
    const clients = oauthClientsFromConfig(
      loadConfig({
        SWITCHYARD_OAUTH_SLACK_CLIENT_ID: '111.222',
        SWITCHYARD_OAUTH_SLACK_CLIENT_SECRET: 's1',
        SWITCHYARD_OAUTH_HUBSPOT_CLIENT_ID: 'hub',
        SWITCHYARD_OAUTH_HUBSPOT_CLIENT_SECRET: 's2',
        SWITCHYARD_OAUTH_HUBSPOT_TOKEN_URL: 'http://127.0.0.1:9000/oauth/v1/token',
      }),
    );
    expect([...clients.keys()]).toEqual(['slack', 'hubspot']);
    expect(clients.get('slack')).toMatchObject({
      authorizeUrl: 'https://slack.com/oauth/v2/authorize',
      tokenUrl: 'https://slack.com/api/oauth.v2.access',
    });
    expect(clients.get('hubspot')).toMatchObject({
      authorizeUrl: 'https://app.hubspot.com/oauth/authorize',
      tokenUrl: 'http://127.0.0.1:9000/oauth/v1/token',
    });
    expect(oauthClientsFromConfig(loadConfig({})).size).toBe(0);
  });

  it('builds each vendor’s authorization URL: scopes joined its way, its extra parameters, state', () => {
    const clients = oauthClientsFromConfig(
      loadConfig({
        SWITCHYARD_OAUTH_SLACK_CLIENT_ID: '111.222',
        SWITCHYARD_OAUTH_SLACK_CLIENT_SECRET: 's1',
        SWITCHYARD_OAUTH_DISCORD_CLIENT_ID: '333',
        SWITCHYARD_OAUTH_DISCORD_CLIENT_SECRET: 's2',
        SWITCHYARD_OAUTH_HUBSPOT_CLIENT_ID: 'hub',
        SWITCHYARD_OAUTH_HUBSPOT_CLIENT_SECRET: 's3',
      }),
    );
    const redirect = oauthRedirectUri('https://hooks.example.com/switchyard', 'discord');
    expect(redirect).toBe('https://hooks.example.com/switchyard/api/v1/oauth/discord/callback');
    expect(oauthRedirectUri('http://127.0.0.1:8080/', 'slack')).toBe(
      'http://127.0.0.1:8080/api/v1/oauth/slack/callback',
    );
    expect(authorizationUrl(clients.get('discord')!, redirect, 'st')).toBe(
      `https://discord.com/oauth2/authorize?response_type=code&client_id=333&scope=webhook.incoming&redirect_uri=${encodeURIComponent(redirect)}&state=st`,
    );
    const slack = new URL(authorizationUrl(clients.get('slack')!, redirect, 'st'));
    expect(slack.searchParams.get('scope')).toBe('incoming-webhook');
    const hubspot = authorizationUrl(clients.get('hubspot')!, redirect, 'st');
    expect(hubspot).toContain(
      'scope=crm.objects.contacts.read%20crm.objects.contacts.write%20crm.objects.deals.read%20crm.objects.deals.write',
    );
  });
});
