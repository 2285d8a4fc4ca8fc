import { parseRedisUrl } from '@sendcode/runtime';
import { Cluster, type ClusterOptions, Redis, type RedisOptions } from 'ioredis';

/**
 * A connection to the store's Redis: one server, or a Redis Cluster. Everything in the store works on
 * either: multi-key scripts and transactions only ever touch keys sharing a hash tag (see README.md
 * here), and BullMQ's queue prefix is a hash tag too.
 */
export type RedisConnection = Redis | Cluster;

/** The per-connection options Sendcode sets; on a cluster they apply to every node's connection. */
export type ConnectionOptions = Pick<
  RedisOptions,
  'enableOfflineQueue' | 'maxRetriesPerRequest' | 'lazyConnect' | 'commandTimeout' | 'socketTimeout'
>;

/**
 * Connects to `url` (`REDIS_URL`): `redis://` / `rediss://` for one Redis, or
 * `redis+cluster://host1:7000,host2:7001` (`rediss+cluster://` for TLS) for a cluster, named by any
 * of its nodes.
 */
export function createRedisConnection(url: string, options: ConnectionOptions = {}): RedisConnection {
  const target = parseRedisUrl(url);
  if (target.kind === 'single') return new Redis(target.url, options);
  const { enableOfflineQueue, lazyConnect, ...perNode } = options;
  const redisOptions = {
    ...perNode,
    ...(target.username === undefined ? {} : { username: target.username }),
    ...(target.password === undefined ? {} : { password: target.password }),
    ...(target.tls ? { tls: {} } : {}),
  };
  const dnsLookup: NonNullable<ClusterOptions['dnsLookup']> = (address, callback) => callback(null, address);
  return new Cluster([...target.nodes], {
    redisOptions,
    ...(enableOfflineQueue === undefined ? {} : { enableOfflineQueue }),
    ...(lazyConnect === undefined ? {} : { lazyConnect }),
    // Managed TLS clusters announce nodes by the names their certificates carry: keep the names
    // rather than resolving them to IPs first.
    ...(target.tls ? { dnsLookup } : {}),
  });
}
