import type { OAuthGrant } from '../connectors/index.ts';

/**
 * The credentials an endpoint keeps from a token grant: the access token the card attaches, the refresh
 * token (the previous one when the vendor did not send a new one) and the access token's expiry, as an ISO
 * date (credentials are strings).
 */
export function tokenCredentials(
  grant: Extract<OAuthGrant, { kind: 'tokens' }>,
  previousRefreshToken?: string,
  now = Date.now(),
): { accessToken: string; refreshToken: string; expiresAt: string } {
  const refreshToken = grant.refreshToken ?? previousRefreshToken;
  if (!refreshToken) throw new Error('a token grant without a refresh token cannot be kept fresh');
  return {
    accessToken: grant.accessToken,
    refreshToken,
    expiresAt: new Date(now + grant.expiresInSeconds * 1000).toISOString(),
  };
}
