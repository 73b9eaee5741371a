import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'bench/**/*.test.ts'],
    // Repository tests open real databases and browser tests a real Chromium: give them time,
    // and keep parallelism at the machine's two cores.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    maxWorkers: 2,
    reporters: ['default', './test/databaseSummaryReporter.ts'],
    globalSetup: ['./test/globalSetup.ts'],
  },
});
