export { createApp } from './app.ts';
export { type GatewayEnv, gatewayEnv } from './config.ts';
export { type RunningGateway, startGateway } from './server.ts';
