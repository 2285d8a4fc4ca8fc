export { loadedModules, SENDING_SDK_FILE } from './loaded-modules.ts';
export { type ApiEvent, clearOfWindowEdge, eventually, types } from './poll.ts';
export {
  keysMatching,
  memoryOfKeys,
  testRedis,
  testRedisConnection,
  testRedisUrl,
  uniquePrefix,
} from './redis.ts';
export { freePort, type RedisServer, startRedisServer } from './redis-server.ts';
