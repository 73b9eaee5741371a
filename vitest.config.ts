import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'bench/**/*.test.ts'],
    // Repository tests open real databases and browser tests a real Chromium: give them time,
    // and keep parallelism at the machine's two cores.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // expect.poll waits for pages and servers on a busy machine (the differential test holds one
    // core for minutes): 1 s, the default, is far too short, and 10 s failed under load.
    expect: { poll: { timeout: 20_000, interval: 50 } },
    maxWorkers: 2,
    reporters: ['default', './test/databaseSummaryReporter.ts'],
    globalSetup: ['./test/globalSetup.ts'],
  },
});
