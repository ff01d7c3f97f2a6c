export type {
  AuthenticationKind,
  Connector,
  ConnectorManifest,
  ConnectorRegion,
  ConnectorTemplate,
  ContractFinding,
  CredentialField,
  IdempotencySeed,
  ResponseVerdict,
  VendorResponse,
} from './connector.ts';
export { connectors, findConnector } from './registry.ts';
export { credentialHostProblem, reviewRequest } from './review-request.ts';
