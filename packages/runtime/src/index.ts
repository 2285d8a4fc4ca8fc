export {
  ConfigError,
  type CoreEnv,
  coreEnv,
  optionalString,
  parseEnv,
  port,
  signatureSecret,
} from './env.ts';
export { createLogger, type Logger } from './logger.ts';
export { parseRedisUrl, type RedisTarget } from './redis-url.ts';
export { withTimeout } from './timeout.ts';
