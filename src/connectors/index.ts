export type {
  AuthenticationKind,
  Connector,
  ConnectorManifest,
  ConnectorOAuth,
  ConnectorOAuthFlow,
  ConnectorRegion,
  ConnectorTemplate,
  ContractFinding,
  CredentialField,
  IdempotencySeed,
  OAuthGrant,
  OAuthRefusal,
  ResponseVerdict,
  VendorResponse,
} from './connector.ts';
export { connectors, findConnector } from './registry.ts';
export { credentialHostProblem, reviewRequest } from './review-request.ts';
