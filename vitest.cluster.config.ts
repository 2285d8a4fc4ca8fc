import { defineConfig } from 'vitest/config';

/**
 * `npm run test:cluster`: the end-to-end suites against a local three-master Redis Cluster that the
 * global setup creates (see test/helpers/redis-cluster.ts). `startTestSystem` connects gateway and
 * workers to it through `REDIS_URL=redis+cluster://…`.
 */
export default defineConfig({
  // Workspace packages resolve to their TypeScript source (the `source` export condition), not to
  // dist/; the rest are Vite's default server conditions.
  ssr: { resolve: { conditions: ['source', 'module', 'node', 'development|production'] } },
  test: {
    include: ['test/e2e/**/*.test.ts', 'test/cluster/**/*.test.ts'],
    globalSetup: ['test/helpers/global-redis-cluster.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    maxWorkers: 2,
  },
});
