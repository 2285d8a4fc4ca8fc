import { defineConfig } from 'vitest/config';

/**
 * `npm run test:deploy` (scripts/test-deploy.sh, which builds the images first): compose.yaml brought
 * up with podman and tested from outside, one suite at a time. `npm test` leaves it out: it needs
 * podman and a few minutes.
 */
export default defineConfig({
  // Workspace packages resolve to their TypeScript source, as in vitest.config.ts.
  ssr: { resolve: { conditions: ['source', 'module', 'node', 'development|production'] } },
  test: {
    include: ['test/deploy/compose.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    maxWorkers: 1,
  },
});
