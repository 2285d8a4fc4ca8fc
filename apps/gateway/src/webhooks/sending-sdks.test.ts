import { loadedModules, SENDING_SDK_FILE } from '@sendcode/testing';
import { describe, expect, it } from 'vitest';

describe('the gateway', () => {
  it('receives receipts without loading an SDK it never sends with', async () => {
    const loaded = await loadedModules('@sendcode/gateway');
    expect(loaded.some((file) => file.endsWith('/apps/gateway/src/webhooks/router.ts'))).toBe(true);
    expect(loaded.filter((file) => SENDING_SDK_FILE.test(file))).toEqual([]);
  });
});
