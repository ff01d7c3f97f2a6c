import { configDefaults, defineConfig } from 'vitest/config';

const BROWSER_TESTS = 'src/web/e2e/**/*.test.ts';

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts'],
          exclude: [...configDefaults.exclude, BROWSER_TESTS],
        },
      },
      {
        // Each browser test runs a Switchyard, its sandbox and a Chromium: one file at a time keeps a small
        // machine from timing them out.
        extends: true,
        test: { name: 'browser', include: [BROWSER_TESTS], fileParallelism: false, testTimeout: 60_000 },
      },
    ],
  },
});
