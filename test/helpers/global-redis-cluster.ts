import type { TestProject } from 'vitest/node';
import { startRedisCluster } from './redis-cluster.ts';

/**
 * `npm run test:cluster`: like global-redis.ts, but the run's Redis is a local three-master Redis
 * Cluster, so every suite that starts the system through `startTestSystem` runs against a cluster.
 */
export default async function setup(project: TestProject) {
  const cluster = await startRedisCluster();
  project.provide('redisUrl', cluster.url);
  return () => cluster.stop();
}
