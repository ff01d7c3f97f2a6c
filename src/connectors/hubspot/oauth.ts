import { isRecord, refusal, standardRefusal, text } from '../../oauth/token-response.ts';
import type { ConnectorOAuth, OAuthGrant, OAuthRefusal } from '../connector.ts';

/**
 * HubSpot's OAuth (v1 token endpoint): the merchant installs the operator's public app in a portal and the
 * token endpoint answers with an access token that expires after `expires_in` seconds (30 minutes) and a
 * refresh token that stays valid until the app is uninstalled. The client id and secret go in the form body.
 */
export const hubspotOAuth: ConnectorOAuth = {
  authorizeUrl: 'https://app.hubspot.com/oauth/authorize',
  tokenUrl: 'https://api.hubapi.com/oauth/v1/token',
  scopes: [
    'crm.objects.contacts.read',
    'crm.objects.contacts.write',
    'crm.objects.deals.read',
    'crm.objects.deals.write',
  ],
  scopeSeparator: ' ',
  authorizeParams: {},
  clientAuthentication: 'form',
  yields: 'tokens',
};

/**
 * HubSpot's error `status` codes in OAuth's terms **[partly unverified]**: BAD_AUTH_CODE and BAD_REFRESH_TOKEN
 * are documented; the client and redirect codes rest on third-party reports. Unknown ones pass through.
 */
const HUBSPOT_ERRORS: Record<string, string> = {
  BAD_AUTH_CODE: 'invalid_grant',
  BAD_REFRESH_TOKEN: 'invalid_grant',
  BAD_CLIENT_ID: 'invalid_client',
  BAD_CLIENT_SECRET: 'invalid_client',
  BAD_REDIRECT_URI: 'invalid_request',
  BAD_GRANT_TYPE: 'unsupported_grant_type',
};

/**
 * HubSpot answers errors as `{status: "BAD_REFRESH_TOKEN", message, correlationId}` with 400; newer answers may
 * carry RFC 6749's `error` instead, which wins.
 */
export function readHubspotTokenResponse(statusCode: number, body: unknown): OAuthGrant | OAuthRefusal {
  if (statusCode !== 200 || !isRecord(body)) {
    const status = isRecord(body) ? text(body.status) : undefined;
    if (statusCode >= 500 || !isRecord(body) || text(body.error) || !status) {
      return standardRefusal('HubSpot', statusCode, body);
    }
    const code = status === 'error' ? (text(body.category) ?? 'invalid_request') : status;
    const message = text(body.message);
    return refusal(
      HUBSPOT_ERRORS[code] ?? code,
      `HubSpot refused the request: ${code}${message ? ` (${message})` : ''}`,
    );
  }
  const accessToken = text(body.access_token);
  const expiresIn = body.expires_in;
  if (!accessToken || typeof expiresIn !== 'number' || !Number.isFinite(expiresIn) || expiresIn <= 0) {
    return refusal('invalid_response', 'HubSpot answered without an access token and its lifetime');
  }
  const refreshToken = text(body.refresh_token);
  return {
    kind: 'tokens',
    accessToken,
    ...(refreshToken ? { refreshToken } : {}),
    expiresInSeconds: expiresIn,
    account: {},
  };
}
