import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/** Where the suites of the fault and security report live; the default `npm test` runs none of the `.fault.ts` files. */
const FAULT_SUITES = [
  'src/faults/**/*.fault.ts',
  'src/delivery/network-policy.test.ts',
  'src/sandbox/hostile-code.test.ts',
  'src/api/cross-app.test.ts',
];

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('../..', import.meta.url)),
    include: FAULT_SUITES,
    // The scenarios kill processes and restart PostgreSQL: one file at a time, and room for a busy machine.
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 120_000,
  },
});
