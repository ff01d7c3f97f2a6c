export type {
  ConsoleLine,
  SandboxRequest,
  TransformationErrorName,
  TransformationFailure,
  TransformationOutcome,
  TransformedRequest,
  WebhookInput,
} from './contract.ts';
export { readPayload } from './contract.ts';
export {
  createSandbox,
  type Sandbox,
  type SandboxOptions,
  sandboxProcessOf,
  type TransformCall,
} from './sandbox-pool.ts';
