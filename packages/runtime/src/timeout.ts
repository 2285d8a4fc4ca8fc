/**
 * `promise`, or a rejection after `ms` when it has not settled by then. For the callers that must
 * answer whether Redis does or not: a metrics scrape, a readiness probe. The promise itself goes on;
 * only the wait for it ends.
 */
export async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
