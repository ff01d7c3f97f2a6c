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
}
