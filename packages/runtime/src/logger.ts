import { type Logger, pino } from 'pino';

export type { Logger } from 'pino';

/**
 * Paths pino censors wherever they appear. Log calls should not carry codes or destinations in the
 * first place; this is the net under that rule, not the rule.
 */
const REDACT = [
  'code',
  'to',
  '*.code',
  '*.to',
  'authorization',
  '*.authorization',
  'req.headers.authorization',
];

/** A JSON logger named after the process (`gateway`, `workers`, ...). */
export function createLogger(name: string, level: string): Logger {
  return pino({ name, level, redact: { paths: REDACT, censor: '[redacted]' } });
}
