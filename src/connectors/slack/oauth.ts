import { isRecord, refusal, standardRefusal, text } from '../../oauth/token-response.ts';
import type { ConnectorOAuth, OAuthGrant, OAuthRefusal } from '../connector.ts';
import { SLACK_HOST, SLACK_PATH } from './contract.ts';

/**
 * Slack's OAuth v2 with the `incoming-webhook` scope: the merchant picks a channel on Slack's consent page and
 * `oauth.v2.access` answers with `incoming_webhook.url`, which becomes the endpoint's URL. The bot token that
 * comes with it is not kept: the card only posts through the webhook.
 */
export const slackOAuth: ConnectorOAuth = {
  authorizeUrl: 'https://slack.com/oauth/v2/authorize',
  tokenUrl: 'https://slack.com/api/oauth.v2.access',
  scopes: ['incoming-webhook'],
  scopeSeparator: ',',
  authorizeParams: {},
  clientAuthentication: 'basic',
  yields: 'webhook-url',
};

/** Slack's own error codes in OAuth's terms; the others pass through as they are. */
const SLACK_ERRORS: Record<string, string> = {
  invalid_code: 'invalid_grant',
  invalid_refresh_token: 'invalid_grant',
  invalid_client_id: 'invalid_client',
  bad_client_secret: 'invalid_client',
  bad_redirect_uri: 'invalid_request',
  oauth_authorization_url_mismatch: 'invalid_request',
  invalid_grant_type: 'unsupported_grant_type',
};

/** Slack answers every call with HTTP 200 and `{ok}`: an error is `{ok: false, error: "invalid_code"}`. */
export function readSlackTokenResponse(statusCode: number, body: unknown): OAuthGrant | OAuthRefusal {
  if (statusCode !== 200 || !isRecord(body) || typeof body.ok !== 'boolean') {
    return standardRefusal('Slack', statusCode, body);
  }
  if (!body.ok) {
    const code = text(body.error) ?? 'unknown_error';
    return refusal(SLACK_ERRORS[code] ?? code, `Slack refused the request: ${code}`);
  }
  const hook = isRecord(body.incoming_webhook) ? body.incoming_webhook : {};
  const url = text(hook.url);
  const parsed = url ? URL.parse(url) : null;
  if (parsed?.protocol !== 'https:' || parsed.host !== SLACK_HOST || !SLACK_PATH.test(parsed.pathname)) {
    return refusal(
      'invalid_response',
      'Slack gave no incoming webhook: the Slack app must request the incoming-webhook scope',
    );
  }
  const team = isRecord(body.team) ? body.team : {};
  const account: Record<string, string> = {};
  if (text(team.name)) account.workspace = text(team.name)!;
  if (text(hook.channel)) account.channel = text(hook.channel)!;
  return { kind: 'webhook-url', url: parsed.toString(), account };
}
