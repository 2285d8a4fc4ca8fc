import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';

describe('createLogger', () => {
  it('censors codes, destinations and verification ids, at the top and one level down', () => {
    const lines: string[] = [];
    const logger = createLogger('test', 'info', { write: (line: string) => lines.push(line) });
    logger.warn(
      { code: '123456', to: '+819012345678', verificationId: 'ver_abc', job: { verificationId: 'ver_def' } },
      'send failed',
    );
    const line = lines.join('');
    for (const secret of ['123456', '+819012345678', 'ver_abc', 'ver_def'])
      expect(line).not.toContain(secret);
    expect(line).toContain('send failed');
  });
});
