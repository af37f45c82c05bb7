/**
 * Walks `source` one item ahead: while the caller works on an item (writes a
 * page), the next is already being fetched, so a sync waits for Aura and for
 * its database side by side instead of one after the other. Items arrive in
 * order, and an error fetching the next item surfaces when the caller asks
 * for it, exactly as without read-ahead. A caller that stops early leaves at
 * most the one item in flight, whose result (or failure) is dropped.
 */
export async function* readAhead<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  const iterator = source[Symbol.asyncIterator]();
  let next = settle(iterator.next());
  let finished = false;
  try {
    for (;;) {
      const outcome = await next;
      if (!outcome.ok) {
        finished = true;
        throw outcome.error;
      }
      if (outcome.result.done) {
        finished = true;
        return;
      }
      next = settle(iterator.next());
      yield outcome.result.value;
    }
  } finally {
    // Stopped early: let the source clean up once its fetch in flight ends, without waiting for it here.
    if (!finished) void next.then(() => iterator.return?.()).catch(() => undefined);
  }
}

type Settled<T> = { ok: true; result: IteratorResult<T> } | { ok: false; error: unknown };

/** The promise as a value that never rejects, so a fetch failing while nobody awaits it yet is not an unhandled rejection. */
function settle<T>(promise: Promise<IteratorResult<T>>): Promise<Settled<T>> {
  return promise.then(
    (result) => ({ ok: true as const, result }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}
