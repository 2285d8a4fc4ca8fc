export { type WorkersEnv, workersEnv } from './config.ts';
export { type RunningWorkers, startWorkers } from './workers.ts';
