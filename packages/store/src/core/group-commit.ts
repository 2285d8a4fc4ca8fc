/**
 * A group commit per key: items added for a key while its write is on its way go together in the
 * next write, which starts once that one is over. No timer, so at low load an item waits for nothing;
 * under load a write carries every item gathered during one round trip. Writes of one key run one at
 * a time, in the order their items came; each item's promise settles with its own result of the write
 * that carried it (a failed write fails each of its items, and the next write still goes).
 *
 * Perf (bench/README.md): the delivery-health and circuit-breaker counts of a provider, one hot key
 * each, are a fraction of a command per send instead of one script call each.
 */
export function groupCommit<K, I, R>(
  write: (key: K, items: readonly I[]) => Promise<readonly R[]>,
): (key: K, item: I) => Promise<R> {
  /** Per key: the items gathered for its next write, and that write's results. */
  const next = new Map<K, { readonly items: I[]; readonly results: Promise<readonly R[]> }>();
  /** Per key: its latest write, the one a new batch waits for. */
  const last = new Map<K, Promise<unknown>>();

  return (key, item) => {
    let batch = next.get(key);
    if (!batch) {
      const items: I[] = [];
      // The write before settles whatever became of it (`settled` below never rejects).
      const results = (last.get(key) ?? Promise.resolve()).then(() => {
        next.delete(key);
        return write(key, items);
      });
      const settled = results.then(
        () => undefined,
        () => undefined,
      );
      last.set(key, settled);
      void settled.then(() => {
        if (last.get(key) === settled) last.delete(key);
      });
      batch = { items, results };
      next.set(key, batch);
    }
    const index = batch.items.push(item) - 1;
    return batch.results.then((results) => results[index] as R);
  };
}
