import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // Integration tests start real services; keep them out of the per-file timeout of unit tests.
    testTimeout: 30_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
