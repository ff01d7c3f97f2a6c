import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createSandbox } from './sandbox-pool.ts';

describe('regression: a sandbox process that cannot start is respawned in a tight loop', () => {
  it('backs off, answers calls with SandboxUnavailableError, and keeps the host alive', async () => {
    // isolated-vm refuses an isolate this small, so every sandbox process dies as it starts.
    const sandbox = createSandbox({
      processes: 1,
      timeoutMs: 100,
      memoryLimitMb: 1,
      maxCodeBytes: 1024,
      maxOutputBytes: 1024,
    });
    try {
      const outcome = await sandbox.transform({
        scope: 's',
        code: 'function handler(w) { return w; }',
        input: {
          eventType: 'a',
          payload: {},
          url: 'https://x.example/',
          method: 'POST',
          headers: {},
          env: {},
          cancel: false,
        },
      });
      expect(outcome).toMatchObject({ kind: 'error', error: { name: 'SandboxUnavailableError' } });
      await sleep(2_000);
      // 50, 100, 200, 400, 800 ms… at most a handful in two seconds, where a tight loop makes dozens.
      expect(sandbox.restarts()).toBeGreaterThanOrEqual(2);
      expect(sandbox.restarts()).toBeLessThanOrEqual(8);
    } finally {
      await sandbox.close();
    }
  });
});
