import { afterAll, beforeAll, expect } from 'vitest';
import {
  createSandbox,
  readPayload,
  type Sandbox,
  type TransformationOutcome,
  type TransformedRequest,
  type WebhookInput,
} from '../sandbox/index.ts';

export interface TemplateSandbox {
  /** What `code` does with `input`. */
  transform(code: string, input: WebhookInput): Promise<TransformationOutcome>;
  /** The request `code` builds from `input`, which it must build without printing anything. */
  run(code: string, input: WebhookInput): Promise<TransformedRequest>;
}

/** A sandbox for a connector's unit tests, to run its templates in: made before the file's tests, closed after. */
export function templateSandbox(): TemplateSandbox {
  let sandbox: Sandbox;
  beforeAll(() => {
    sandbox = createSandbox({
      processes: 1,
      timeoutMs: 1000,
      memoryLimitMb: 64,
      maxCodeBytes: 262144,
      maxOutputBytes: 1048576,
    });
  });
  afterAll(async () => {
    await sandbox?.close();
  });
  const transform = (code: string, input: WebhookInput) =>
    sandbox.transform({ scope: 'connector-test', code, input });
  return {
    transform,
    async run(code, input) {
      const outcome = await transform(code, input);
      if (outcome.kind !== 'request') throw new Error(`expected a request, got ${JSON.stringify(outcome)}`);
      expect(outcome.console).toEqual([]);
      return readPayload(outcome.request);
    },
  };
}
