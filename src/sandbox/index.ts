export type {
  ConsoleLine,
  TransformationErrorName,
  TransformationFailure,
  TransformationOutcome,
  TransformedRequest,
  WebhookInput,
} from './contract.ts';
export { createSandbox, type Sandbox, type SandboxOptions, type TransformCall } from './sandbox-pool.ts';
