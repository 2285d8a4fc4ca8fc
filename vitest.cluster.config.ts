import { defineConfig } from 'vitest/config';

/**
 * `npm run test:cluster`: the end-to-end suites, and the crash, horizontal and Redis-restart suites,
 * against a local three-master Redis Cluster that the global setup creates (see
 * test/helpers/redis-cluster.ts); the restart suite restarts a cluster of its own. `startTestSystem`
 * connects gateway and workers to it through `REDIS_URL=redis+cluster://…`.
 */
export default defineConfig({
  // Workspace packages resolve to their TypeScript source (the `source` export condition), not to
  // dist/; the rest are Vite's default server conditions.
  ssr: { resolve: { conditions: ['source', 'module', 'node', 'development|production'] } },
  test: {
    // The reliability suites that are about Redis itself run here too, at a smaller size (see each).
    include: [
      'test/e2e/**/*.test.ts',
      'test/cluster/**/*.test.ts',
      'test/reliability/crash.test.ts',
      'test/reliability/horizontal.test.ts',
      'test/reliability/redis-restart.test.ts',
    ],
    globalSetup: ['test/helpers/global-redis-cluster.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    maxWorkers: 2,
  },
});
