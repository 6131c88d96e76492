import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Hands PostgreSQL tests a server started on first use (test/postgres/server.ts).
    globalSetup: ['test/postgres/global-setup.ts'],
  },
});
