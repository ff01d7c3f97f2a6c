import { isRecord, refusal, standardRefusal, text } from '../../oauth/token-response.ts';
import type { ConnectorOAuth, OAuthGrant, OAuthRefusal } from '../connector.ts';
import { DISCORD_HOST, DISCORD_PATH } from './contract.ts';

/**
 * Discord's authorization-code grant with the `webhook.incoming` scope: the merchant picks a channel on
 * Discord's consent page and the token response carries `webhook` (id, token, url), whose URL becomes the
 * endpoint's URL. The access and refresh tokens that come with it are not kept: the card only posts through
 * the webhook.
 */
export const discordOAuth: ConnectorOAuth = {
  authorizeUrl: 'https://discord.com/oauth2/authorize',
  tokenUrl: 'https://discord.com/api/oauth2/token',
  scopes: ['webhook.incoming'],
  scopeSeparator: ' ',
  authorizeParams: { response_type: 'code' },
  clientAuthentication: 'basic',
  yields: 'webhook-url',
};

/** Discord answers RFC 6749 errors (`{error, error_description}`) with 400 or 401. */
export function readDiscordTokenResponse(statusCode: number, body: unknown): OAuthGrant | OAuthRefusal {
  if (statusCode !== 200 || !isRecord(body)) return standardRefusal('Discord', statusCode, body);
  const webhook = isRecord(body.webhook) ? body.webhook : {};
  const url = text(webhook.url);
  const parsed = url ? URL.parse(url) : null;
  if (parsed?.protocol !== 'https:' || parsed.host !== DISCORD_HOST || !DISCORD_PATH.test(parsed.pathname)) {
    return refusal(
      'invalid_response',
      'Discord gave no webhook: the Discord app must request the webhook.incoming scope',
    );
  }
  const account: Record<string, string> = {};
  if (text(webhook.name)) account.webhook = text(webhook.name)!;
  if (text(webhook.channel_id)) account.channelId = text(webhook.channel_id)!;
  if (text(webhook.guild_id)) account.guildId = text(webhook.guild_id)!;
  return { kind: 'webhook-url', url: parsed.toString(), account };
}
