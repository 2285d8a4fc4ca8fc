/**
 * Whether an error means "Redis cannot take this right now" rather than a bug: the connection is
 * closed or reconnecting (ioredis with the offline queue disabled refuses commands at once), a
 * command ran out of retries or got no answer within its `commandTimeout` (a stalled link), the
 * socket failed, fewer replicas than `REDIS_WAIT_REPLICAS` acknowledged the writes (durable accept:
 * they stand, unconfirmed), or Redis is full (`maxmemory` reached under `noeviction`: it refuses every command
 * that could grow memory, a script at its first such write, so the script wrote nothing). Callers
 * answer these with a retryable 503.
 */
export function isRedisUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'MaxRetriesPerRequestError' || error.name === 'ReplicaWaitError') return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return true;
  return UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(error.message));
}

const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH']);
const UNAVAILABLE_MESSAGES = [
  /Stream isn't writeable and enableOfflineQueue options is false/,
  /Connection is closed/,
  /Reached the max retries per request limit/,
  // ioredis `commandTimeout`: no answer in time (the command may still run, or may have run).
  /^Command timed out$/,
  // A ReplyError; in a script Redis appends "script: <sha>, on @user_script:<line>.".
  /^OOM command not allowed when used memory > 'maxmemory'/,
  // Redis Cluster: the client has no slot map yet (or lost it), or the cluster refuses writes.
  /Cluster isn't ready and enableOfflineQueue options is false/,
  /Failed to refresh slots cache/,
  /^CLUSTERDOWN/,
  // Redis Cluster mid-failover: ioredis followed MOVED / retried a dead node as often as it may.
  /^Too many Cluster redirections/,
  // Durable accept: a WAIT that reached a node demoted to replica by a failover.
  /WAIT cannot be used with replica instances/,
];

/**
 * Whether an "unavailable" error says for certain the command did not run: Redis refused it as full
 * (a script is refused at its first write that could grow memory, so it wrote nothing), or it was
 * never sent (no connection, and no offline queue to wait in). A timeout or a connection lost on the
 * way leaves it unknown: the command may have run. Undoing what the command would have done is only
 * safe when it surely did not — or when the undo cannot race what it did.
 */
export function isRedisRefusal(error: unknown): boolean {
  return error instanceof Error && REFUSAL_MESSAGES.some((pattern) => pattern.test(error.message));
}

const REFUSAL_MESSAGES = [
  /^OOM command not allowed when used memory > 'maxmemory'/,
  /Stream isn't writeable and enableOfflineQueue options is false/,
  /Cluster isn't ready and enableOfflineQueue options is false/,
];
