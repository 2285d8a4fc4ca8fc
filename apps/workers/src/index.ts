export { type WorkersEnv, workersEnv } from './config.ts';
export { registerQueueMetrics } from './queue-metrics.ts';
export { type RunningWorkers, startWorkers } from './workers.ts';
