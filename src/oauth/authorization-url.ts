import type { OAuthClient } from './oauth-clients.ts';

/**
 * The vendor's authorization page for one authorization: the client, the card's scopes (joined the
 * vendor's way, spaces as `%20`), the redirect URI and the state.
 */
export function authorizationUrl(client: OAuthClient, redirectUri: string, state: string): string {
  const oauth = client.connector.manifest.oauth!;
  const params: [string, string][] = [
    ...Object.entries(oauth.authorizeParams),
    ['client_id', client.clientId],
    ['scope', oauth.scopes.join(oauth.scopeSeparator)],
    ['redirect_uri', redirectUri],
    ['state', state],
  ];
  const url = new URL(client.authorizeUrl);
  const query = params.map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`);
  url.search = [url.search.slice(1), ...query].filter(Boolean).join('&');
  return url.toString();
}
