import { createLogger, parseEnv } from '@sendcode/runtime';
import { workersEnv } from './config.ts';
import { type RunningWorkers, startWorkers } from './workers.ts';

const config = parseEnv(workersEnv);
const logger = createLogger('workers', config.LOG_LEVEL);

// The handlers come first: as PID 1 (the container image) a process ignores a signal it has no
// handler for, so a stop while the workers still start (Redis not there yet) would wait out the
// runtime's kill. Stopped before they started, they have no job to finish.
let workers: RunningWorkers | undefined;
async function shutdown(signal: string) {
  logger.info({ signal }, 'workers shutting down');
  await workers?.close();
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown('SIGTERM'));
process.once('SIGINT', () => void shutdown('SIGINT'));

workers = await startWorkers(config, logger);
logger.info({ metrics: `${workers.url}/metrics` }, 'workers listening');
