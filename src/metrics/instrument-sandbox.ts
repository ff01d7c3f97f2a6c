import type { Sandbox } from '../sandbox/index.ts';
import type { Metrics } from './create-metrics.ts';

/** The same sandbox, reporting each transformation call's duration and failure to the metrics. */
export function instrumentSandbox(sandbox: Sandbox, metrics: Pick<Metrics, 'sandboxCalled'>): Sandbox {
  return {
    ...sandbox,
    async transform(call) {
      const outcome = await sandbox.transform(call);
      metrics.sandboxCalled(outcome);
      return outcome;
    },
  };
}
