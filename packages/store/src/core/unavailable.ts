/**
 * Whether an error means "Redis is not reachable right now" rather than a bug: the connection is
 * closed or reconnecting (ioredis with the offline queue disabled refuses commands at once), a
 * command ran out of retries, or the socket failed. Callers answer these with a retryable 503.
 */
export function isRedisUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'MaxRetriesPerRequestError') return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
  return UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(error.message));
}

const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH']);
const UNAVAILABLE_MESSAGES = [
  /Stream isn't writeable and enableOfflineQueue options is false/,
  /Connection is closed/,
  /Reached the max retries per request limit/,
  // Redis Cluster: the client has no slot map yet (or lost it), or the cluster refuses writes.
  /Cluster isn't ready and enableOfflineQueue options is false/,
  /Failed to refresh slots cache/,
  /^CLUSTERDOWN/,
];
