/**
 * Gathers the calls made in one turn of the event loop and answers them all with one `run` over their keys,
 * so that a burst of requests costs one round trip to the database instead of one each.
 * @param run answers every key, in order (a key may come more than once); when it fails, every call does
 */
export function batchPerTurn<K, V>(run: (keys: K[]) => Promise<V[]>): (key: K) => Promise<V> {
  let waiting: { key: K; resolve: (value: V) => void; reject: (error: unknown) => void }[] = [];
  let scheduled = false;
  return (key) =>
    new Promise<V>((resolve, reject) => {
      waiting.push({ key, resolve, reject });
      if (scheduled) return;
      scheduled = true;
      setImmediate(() => {
        scheduled = false;
        const batch = waiting;
        waiting = [];
        run(batch.map((entry) => entry.key)).then(
          (values) => {
            for (const [i, entry] of batch.entries()) entry.resolve(values[i]!);
          },
          (error: unknown) => {
            for (const entry of batch) entry.reject(error);
          },
        );
      });
    });
}
