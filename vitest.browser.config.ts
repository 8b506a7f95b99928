import { defineConfig } from 'vitest/config';

/**
 * Browser checks of the preview gallery (`npm run test:browser`): headless Chromium at phone and
 * desktop width. Kept out of `npm test` so the unit suite runs on machines without Chromium.
 */
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 120_000,
    hookTimeout: 180_000,
    allowOnly: false,
  },
});
