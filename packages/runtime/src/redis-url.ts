/**
 * `REDIS_URL`: one Redis (`redis://` or `rediss://`, as ioredis reads it) or a Redis Cluster, named
 * by its seed nodes: `redis+cluster://[user:password@]host1:7000,host2:7001,...` (`rediss+cluster://`
 * for TLS). The client discovers the other nodes from any seed that answers.
 */
export type RedisTarget =
  | { readonly kind: 'single'; readonly url: string }
  | {
      readonly kind: 'cluster';
      readonly nodes: readonly { readonly host: string; readonly port: number }[];
      readonly username?: string;
      readonly password?: string;
      readonly tls: boolean;
    };

const CLUSTER_SCHEME = /^(rediss?)\+cluster:\/\/(.*)$/;

/** Parses `REDIS_URL`; throws an Error saying what is wrong (never echoing a password). */
export function parseRedisUrl(value: string): RedisTarget {
  const cluster = CLUSTER_SCHEME.exec(value);
  if (cluster === null) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new Error('must be a redis://, rediss:// or redis+cluster:// URL');
    }
    if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
      throw new Error('must be a redis://, rediss:// or redis+cluster:// URL');
    }
    return { kind: 'single', url: value };
  }
  const [, scheme = 'redis', rest = ''] = cluster;
  const at = rest.lastIndexOf('@');
  const userinfo = at === -1 ? '' : rest.slice(0, at + 1);
  const hosts = (at === -1 ? rest : rest.slice(at + 1)).replace(/\/$/, '');
  const nodes = hosts.split(',').map((node) => {
    let url: URL;
    try {
      url = new URL(`redis://${node}`);
    } catch {
      throw new Error('redis+cluster:// takes a comma-separated list of host:port seed nodes');
    }
    if (url.hostname === '' || url.port === '' || url.pathname !== '' || url.search !== '') {
      throw new Error('redis+cluster:// takes a comma-separated list of host:port seed nodes');
    }
    return { host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: Number(url.port) };
  });
  const credentials = new URL(`redis://${userinfo}localhost`);
  return {
    kind: 'cluster',
    nodes,
    ...(credentials.username === '' ? {} : { username: decodeURIComponent(credentials.username) }),
    ...(credentials.password === '' ? {} : { password: decodeURIComponent(credentials.password) }),
    tls: scheme === 'rediss',
  };
}
