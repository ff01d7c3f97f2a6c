import type { TransformedRequest } from '../sandbox/index.ts';

/** A credential the merchant enters on the integration card. */
export interface CredentialField {
  /** Key in the stored credentials object, e.g. `writeKey`. */
  id: string;
  label: string;
  /** Secret values are encrypted at rest and shown masked; non-secret ones (a Site ID) are shown. */
  secret: boolean;
  /** False for fields only some setups need (a custom API's Basic password or Bearer token); default true. */
  required?: boolean;
  /** A JavaScript regular expression (source) the value must match. */
  pattern?: string;
  help: string;
  placeholder?: string;
}

/** Where the vendor's API lives for one data region. Credentials are only ever sent to these hosts. */
export interface ConnectorRegion {
  id: string;
  label: string;
  hosts: string[];
}

/** Transformation code offered for the card, with the event types it handles. */
export interface ConnectorTemplate {
  id: string;
  name: string;
  description: string;
  code: string;
  eventTypes: string[];
}

export type AuthenticationKind = 'basic' | 'bearer' | 'header' | 'url' | 'none';

/**
 * How a card connects through the vendor's OAuth 2.0 authorization-code flow, when the installation has an
 * OAuth client for the vendor. What the authorization yields: `webhook-url`, an incoming-webhook URL that
 * becomes the endpoint's URL (itself the secret); `tokens`, an access token that expires and a refresh token,
 * kept as the card's credentials and renewed before deliveries.
 */
export interface ConnectorOAuth {
  /** The vendor's authorization page, where the merchant consents. */
  authorizeUrl: string;
  /** The vendor's token endpoint, where codes (and refresh tokens) are exchanged. */
  tokenUrl: string;
  scopes: string[];
  /** How the authorization URL joins the scopes: Slack takes commas, most vendors spaces. */
  scopeSeparator: ',' | ' ';
  /** Further query parameters of the authorization URL, e.g. Discord's `response_type=code`. */
  authorizeParams: Record<string, string>;
  /** Where token requests carry the client id and secret: HTTP Basic, or the form body. */
  clientAuthentication: 'basic' | 'form';
  yields: 'webhook-url' | 'tokens';
}

/** What a successful token response gave, with non-secret facts about the account to show the merchant. */
export type OAuthGrant =
  | { kind: 'webhook-url'; url: string; account: Record<string, string> }
  | {
      kind: 'tokens';
      accessToken: string;
      /** Absent when the vendor keeps the refresh token unchanged on a refresh. */
      refreshToken?: string;
      expiresInSeconds: number;
      account: Record<string, string>;
    };

/**
 * A token request the vendor refused, in OAuth's terms: `invalid_grant` (the code or refresh token is unknown,
 * used, expired or revoked: the merchant must connect again), `invalid_client` (the installation's client id
 * or secret is wrong), `invalid_request`, or the vendor's own code. `description` is the vendor's words.
 */
export interface OAuthRefusal {
  error: string;
  description: string;
}

/** The vendor-specific half of a card's OAuth flow. */
export interface ConnectorOAuthFlow {
  /** Reads the token endpoint's answer in the vendor's own shape (Slack answers errors with HTTP 200). */
  readTokenResponse(statusCode: number, body: unknown): OAuthGrant | OAuthRefusal;
}

export interface ConnectorManifest {
  id: string;
  name: string;
  /** An SVG document. */
  logo: string;
  category: 'analytics' | 'marketing' | 'messaging' | 'crm' | 'email' | 'automation' | 'custom';
  /** One line for the card. */
  description: string;
  /** Markdown: the steps a merchant follows in the vendor's dashboard to get the credentials. */
  instructions: string;
  credentials: CredentialField[];
  /** At least one; the first is the default. */
  regions: ConnectorRegion[];
  authentication: AuthenticationKind;
  /** Event types an endpoint from this card subscribes to unless the merchant picks others. */
  defaultEventTypes: string[];
  templates: ConnectorTemplate[];
  /** Present when the vendor offers OAuth connect; the card uses it only where the installation configured it. */
  oauth?: ConnectorOAuth;
}

/** Something the destination would reject, or silently drop. */
export interface ContractFinding {
  /** Dotted path in the request, e.g. `payload.identifiers`, `url`, `headers.authorization`. */
  field: string;
  message: string;
}

export interface VendorResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * How a vendor's answer counts: `success`; `retry` later (with `retryAfterMs` when the vendor said when);
 * `permanent` (the same request would fail again); `gone` (the destination no longer exists: disable).
 */
export type ResponseVerdict =
  | { kind: 'success' }
  | { kind: 'retry'; retryAfterMs?: number }
  | { kind: 'permanent'; reason: string }
  | { kind: 'gone'; reason: string };

/** Ids that make the vendor drop a retried request as a duplicate. */
export interface IdempotencySeed {
  messageId: string;
  endpointId: string;
}

/** One destination: everything Switchyard knows about it, in one folder of the same shape as every other. */
export interface Connector {
  manifest: ConnectorManifest;
  /** Headers that carry the credentials (for `url` connectors, none: the URL is the secret). */
  authenticate(credentials: Record<string, string>, region: ConnectorRegion): Record<string, string>;
  /** The vendor's contract for what the transformation built, checked before any network call. */
  check(request: TransformedRequest, region: ConnectorRegion): ContractFinding[];
  /** Fills in the vendor's idempotency fields when the code did not set them. */
  prepare(request: TransformedRequest, seed: IdempotencySeed): TransformedRequest;
  classify(response: VendorResponse): ResponseVerdict;
  /** Present exactly when `manifest.oauth` is. */
  oauth?: ConnectorOAuthFlow;
}
