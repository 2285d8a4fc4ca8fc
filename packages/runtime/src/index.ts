export { ConfigError, type CoreEnv, coreEnv, optionalString, parseEnv, port } from './env.ts';
export { createLogger, type Logger } from './logger.ts';
