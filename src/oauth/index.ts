export { authorizationUrl } from './authorization-url.ts';
export {
  type CredentialHolder,
  CredentialRefreshError,
  type CredentialRefresher,
  createCredentialRefresher,
} from './credential-refresher.ts';
export { type OAuthClient, type OAuthClients, oauthClientsFromConfig } from './oauth-clients.ts';
export { OAUTH_CALLBACK_ROUTE, oauthRedirectUri } from './oauth-redirect-uri.ts';
export { createOAuthState, hashOAuthState, OAUTH_STATE_TTL_MS } from './oauth-state.ts';
export { tokenCredentials } from './token-credentials.ts';
export { requestTokens, type TokenGrantRequest } from './token-endpoint.ts';
