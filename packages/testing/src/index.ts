export { loadedModules, SENDING_SDK_FILE } from './loaded-modules.ts';
export { type ApiEvent, clearOfWindowEdge, eventually, types } from './poll.ts';
export {
  keysMatching,
  memoryOfKeys,
  onTestCluster,
  testRedis,
  testRedisConnection,
  testRedisUrl,
  uniquePrefix,
} from './redis.ts';
export { limitRedisMemory } from './redis-memory.ts';
export { freePort, type RedisServer, startRedisServer } from './redis-server.ts';
export { type ReplicatedRedis, startReplicatedRedis } from './replicated-redis.ts';
export { startTcpProxy, type TcpProxy } from './tcp-proxy.ts';
