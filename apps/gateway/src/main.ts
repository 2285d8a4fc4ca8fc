import { createLogger, parseEnv } from '@sendcode/runtime';
import { gatewayEnv } from './config.ts';
import { type RunningGateway, startGateway } from './server.ts';

const config = parseEnv(gatewayEnv);
const logger = createLogger('gateway', config.LOG_LEVEL);

// The handlers come first: as PID 1 (the container image) a process ignores a signal it has no
// handler for, so a stop while the gateway still starts (Redis not there yet) would wait out the
// runtime's kill. Stopped before it started, it has nothing to finish.
let gateway: RunningGateway | undefined;
async function shutdown(signal: string) {
  logger.info({ signal }, 'gateway shutting down');
  await gateway?.close();
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));

gateway = await startGateway(config, logger);
logger.info({ url: gateway.url }, 'gateway listening');
