import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'test/unit/**/*.test.ts',
      'test/integration/**/*.test.ts',
      'test/infra/**/*.test.ts',
      'test/chaos/**/*.test.ts',
    ],
    // Integration files each start their own embedded stack on free ports; two cores → two forks.
    pool: 'forks',
    maxWorkers: 2,
    // Only an outer bound for a hang: the waits inside a test fail when the pipeline stops moving
    // (eventually, waitForProgress), not at a deadline, so a loaded machine is waited for.
    testTimeout: 300_000,
    hookTimeout: 120_000,
    allowOnly: false,
    globalSetup: ['test/global-setup.ts'],
    // Handlers log and emit EMF as in Lambda; in tests that is noise unless something is wrong.
    env: {
      POWERTOOLS_LOG_LEVEL: 'WARN',
      POWERTOOLS_METRICS_DISABLED: 'true',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
  },
});
