import type { TestProject } from 'vitest/node';
import { startRedisServer } from '../../packages/testing/src/redis-server.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

/**
 * One redis-server for the whole run, on an ephemeral port (never the machine's 6379). Suites keep
 * out of each other's way with a unique key prefix each (see `uniquePrefix`).
 */
export default async function setup(project: TestProject) {
  const redis = await startRedisServer();
  project.provide('redisUrl', redis.url);
  return () => redis.stop();
}
