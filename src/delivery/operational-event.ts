/** Svix's operational webhook event types, sent to the operator's own endpoints. */
export type OperationalEventType =
  | 'endpoint.disabled'
  | 'message.attempt.exhausted'
  | 'message.attempt.failing'
  | 'message.attempt.recovered';

export interface OperationalEvent {
  type: OperationalEventType;
  appId: string;
  endpointId: string;
  messageId?: string;
  /** Details in Svix's shape for the type. */
  data: Record<string, unknown>;
}

/** Svix sends `message.attempt.failing` once, when this attempt of a message fails. */
export const FAILING_AFTER_ATTEMPT = 4;
