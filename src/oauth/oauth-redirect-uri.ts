/** The vendors send the merchant's browser back here; the path is what the operator registers with them. */
export const OAUTH_CALLBACK_ROUTE = '/api/v1/oauth/{connector_id}/callback';

/** The redirect URI of a card's OAuth client: under the public URL, which may carry a path prefix. */
export function oauthRedirectUri(publicUrl: string, connectorId: string): string {
  const base = publicUrl.endsWith('/') ? publicUrl : `${publicUrl}/`;
  return new URL(`api/v1/oauth/${encodeURIComponent(connectorId)}/callback`, base).toString();
}
