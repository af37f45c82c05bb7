export interface ReadAheadOptions<T> {
  /** The most items fetched and held beyond what the caller has taken. */
  ahead: number;
  /** The most items handed over at once. */
  maxBatch: number;
  /**
   * A second bound on what is held: no further fetch starts while the held
   * items weigh `max` or more (by `of`, say a page's size in characters), so
   * at most `max` plus one item's weight is held.
   */
  aheadWeight?: { of: (item: T) => number; max: number };
}

/**
 * Walks `source` ahead of its caller: while the caller works on what it took
 * (writes pages), the next items are fetched, up to `ahead` of them. Each
 * time the caller asks, it gets every item that has arrived (at least one,
 * at most `maxBatch`), so a caller slower than its source writes several
 * pages at once and one faster than it writes them one by one, as they come.
 * Items arrive in order, and an error fetching an item surfaces when the
 * caller asks past every item fetched before it, exactly as without
 * read-ahead. A caller that stops early does not wait for the fetch in
 * flight; its result (or failure) and the items held are dropped.
 */
export async function* readAheadBatches<T>(source: AsyncIterable<T>, options: ReadAheadOptions<T>): AsyncGenerator<T[]> {
  const ahead = positiveInteger('ahead', options.ahead);
  const maxBatch = positiveInteger('maxBatch', options.maxBatch);
  const weigh = options.aheadWeight?.of ?? (() => 0);
  const maxWeight = options.aheadWeight?.max ?? Infinity;
  if (!(maxWeight > 0)) throw new RangeError(`readAheadBatches: aheadWeight.max must be a positive number, not ${maxWeight}`);
  const iterator = source[Symbol.asyncIterator]();
  const held: T[] = [];
  let heldWeight = 0;
  let failure = null as { error: unknown } | null;
  let exhausted = false;
  let stopped = false;
  let arrived: (() => void) | null = null;
  let roomMade: (() => void) | null = null;
  const signalArrival = () => {
    arrived?.();
    arrived = null;
  };
  const signalRoom = () => {
    roomMade?.();
    roomMade = null;
  };

  const pump = (async () => {
    try {
      while (!stopped) {
        if (held.length >= ahead || heldWeight >= maxWeight) {
          await new Promise<void>((resolve) => (roomMade = resolve));
          continue;
        }
        const next = await iterator.next();
        if (next.done || stopped) return;
        held.push(next.value);
        heldWeight += weigh(next.value);
        signalArrival();
      }
    } catch (error) {
      failure = { error };
    } finally {
      exhausted = true;
      signalArrival();
    }
  })();

  try {
    for (;;) {
      if (held.length === 0) {
        if (exhausted) {
          if (failure) throw failure.error;
          return;
        }
        await new Promise<void>((resolve) => (arrived = resolve));
        continue;
      }
      const batch = held.splice(0, maxBatch);
      for (const item of batch) heldWeight -= weigh(item);
      signalRoom();
      yield batch;
    }
  } finally {
    stopped = true;
    signalRoom();
    // Stopped early: let the source clean up once its fetch in flight ends, without waiting for it here.
    if (!exhausted) void pump.then(() => iterator.return?.()).catch(() => undefined);
  }
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`readAheadBatches: ${name} must be a positive integer, not ${value}`);
  return value;
}
