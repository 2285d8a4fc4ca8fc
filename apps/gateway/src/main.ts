import { createLogger, parseEnv } from '@sendcode/runtime';
import { gatewayEnv } from './config.ts';
import { startGateway } from './server.ts';

const config = parseEnv(gatewayEnv);
const logger = createLogger('gateway', config.LOG_LEVEL);
const gateway = await startGateway(config, logger);
logger.info({ url: gateway.url }, 'gateway listening');

async function shutdown(signal: string) {
  logger.info({ signal }, 'gateway shutting down');
  await gateway.close();
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
