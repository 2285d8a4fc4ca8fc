export { type WorkersEnv, workersEnv } from './config.ts';
export { buildChannels } from './providers.ts';
export { registerQueueMetrics, registerReceiptMetrics } from './queue-metrics.ts';
export { Activity, isStuck, startWatchdog, type Watched } from './watchdog.ts';
export { type RunningWorkers, startWorkers, type WorkersOptions } from './workers.ts';
