import { createLogger, parseEnv } from '@sendcode/runtime';
import { workersEnv } from './config.ts';
import { startWorkers } from './workers.ts';

const config = parseEnv(workersEnv);
const logger = createLogger('workers', config.LOG_LEVEL);
const workers = await startWorkers(config, logger);
logger.info({ metrics: `${workers.url}/metrics` }, 'workers listening');

async function shutdown(signal: string) {
  logger.info({ signal }, 'workers shutting down');
  await workers.close();
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));
