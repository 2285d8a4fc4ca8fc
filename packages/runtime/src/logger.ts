import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger } from 'pino';

/**
 * Paths pino censors wherever they appear. Log calls should not carry codes, destinations or
 * verification ids (DESIGN.md) in the first place; this is the net under that rule, not the rule.
 */
const REDACT = [
  'code',
  'to',
  'verificationId',
  '*.code',
  '*.to',
  '*.verificationId',
  'authorization',
  '*.authorization',
  'req.headers.authorization',
];

/** A JSON logger named after the process (`gateway`, `workers`, ...), to stdout unless told otherwise. */
export function createLogger(name: string, level: string, destination?: DestinationStream): Logger {
  const options = { name, level, redact: { paths: REDACT, censor: '[redacted]' } };
  return destination === undefined ? pino(options) : pino(options, destination);
}
