import { testRedis, uniquePrefix } from '@sendcode/testing';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { writeTogether } from './together.ts';

const redis = testRedis();
afterAll(() => redis.quit());

describe('writeTogether', () => {
  it('hands the commands to the socket in one write, each with its own reply, in order', async () => {
    await redis.ping();
    const key = `${uniquePrefix('together')}:n`;
    // The socket's own write and writev: each call is one system call.
    const socket = redis.stream as unknown as { _write: () => void; _writev: (chunks: unknown[]) => void };
    const write = vi.spyOn(socket, '_write');
    const writev = vi.spyOn(socket, '_writev');
    try {
      const replies = await writeTogether(redis, () =>
        Promise.all([redis.set(key, '1'), redis.incr(key), redis.get(key)]),
      );
      expect(replies).toEqual(['OK', 2, '2']);
      expect(write).not.toHaveBeenCalled();
      expect(writev).toHaveBeenCalledTimes(1);
      expect(writev.mock.calls[0]?.[0]).toHaveLength(3);
    } finally {
      write.mockRestore();
      writev.mockRestore();
    }
  });

  it('fails only the command that failed', async () => {
    const key = `${uniquePrefix('together')}:s`;
    const [set, incr, get] = await writeTogether(redis, () =>
      Promise.allSettled([redis.set(key, 'text'), redis.incr(key), redis.get(key)]),
    );
    expect(set).toEqual({ status: 'fulfilled', value: 'OK' });
    expect(incr?.status).toBe('rejected');
    expect(get).toEqual({ status: 'fulfilled', value: 'text' });
  });

  it('just runs on a connection not ready yet, whose commands wait for it', async () => {
    const later = new Redis(redis.options.port ?? 6379, redis.options.host ?? '127.0.0.1', {
      lazyConnect: true,
    });
    expect(later.status).toBe('wait');
    await expect(writeTogether(later, () => later.ping())).resolves.toBe('PONG');
    await later.quit();
  });
});
