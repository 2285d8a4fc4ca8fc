import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  // Workspace packages resolve to their TypeScript source (the `source` export condition), not to
  // dist/; the rest are Vite's default server conditions.
  ssr: { resolve: { conditions: ['source', 'module', 'node', 'development|production'] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    // Cluster-only checks: `npm run test:cluster` (vitest.cluster.config.ts) runs them; the compose
    // test needs podman and built images: `npm run test:deploy` (vitest.deploy.config.ts).
    exclude: [...configDefaults.exclude, 'test/cluster/**', 'test/deploy/compose.test.ts'],
    globalSetup: ['test/helpers/global-redis.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores: more forks only make the suites fight over CPU.
    maxWorkers: 2,
  },
});
