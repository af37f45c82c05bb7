import { readAheadBatches } from './read-ahead';

/** One item at a time, one fetched ahead: what a sync paced by Aura's rate limit sees. */
async function* readAhead<T>(source: AsyncIterable<T>): AsyncGenerator<T> {
  for await (const batch of readAheadBatches(source, { ahead: 1, maxBatch: 1 })) yield* batch;
}

/** A source whose every fetch is a promise the test settles by hand, logging what happened when. */
function manualSource(count: number) {
  const log: string[] = [];
  const pending: { resolve: (value: number) => void; reject: (error: Error) => void }[] = [];
  let returned = false;
  async function* source(): AsyncGenerator<number> {
    try {
      for (let item = 1; item <= count; item++) {
        log.push(`fetch ${item}`);
        yield await new Promise<number>((resolve, reject) => pending.push({ resolve, reject }));
      }
    } finally {
      returned = true;
    }
  }
  return { source: source(), log, pending, wasReturned: () => returned };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('readAheadBatches, one item at a time', () => {
  it('starts fetching the next item while the caller still works on this one, and keeps the order', async () => {
    const { source, log, pending } = manualSource(3);
    const seen: number[] = [];
    const consuming = (async () => {
      for await (const item of readAhead(source)) {
        log.push(`write ${item} starts`);
        await tick();
        log.push(`write ${item} ends`);
        seen.push(item);
      }
    })();
    for (let item = 1; item <= 3; item++) {
      await until(() => pending.length === item);
      pending[item - 1].resolve(item);
    }
    await consuming;
    expect(seen).toEqual([1, 2, 3]);
    // Item 2 was being fetched before item 1's write ended.
    expect(log.indexOf('fetch 2')).toBeLessThan(log.indexOf('write 1 ends'));
    expect(log.indexOf('fetch 3')).toBeLessThan(log.indexOf('write 2 ends'));
  });

  it('raises a failed fetch when the caller asks for that item, after every earlier item', async () => {
    const { source, pending } = manualSource(3);
    const seen: number[] = [];
    const consuming = (async () => {
      for await (const item of readAhead(source)) seen.push(item);
    })();
    await until(() => pending.length === 1);
    pending[0].resolve(1);
    await until(() => pending.length === 2);
    pending[1].reject(new Error('Aura answered 503'));
    await expect(consuming).rejects.toThrow('Aura answered 503');
    expect(seen).toEqual([1]);
  });

  it('lets a caller stop early without waiting for the fetch in flight, then ends the source once that fetch is done', async () => {
    const { source, pending, wasReturned } = manualSource(3);
    const stopped = (async () => {
      for await (const item of readAhead(source)) if (item === 1) break;
    })();
    await until(() => pending.length === 1);
    pending[0].resolve(1);
    await stopped; // returned although fetch 2 is still in flight
    expect(pending).toHaveLength(2);
    await tick();
    expect(wasReturned()).toBe(false); // not while the fetch is pending
    pending[1].resolve(2); // arrives after the caller left: dropped, and the source is told to end
    await until(wasReturned);
    expect(pending).toHaveLength(2); // nothing fetched after the stop
  });

  it('drops the failure of a fetch that ends after the caller stopped, without an unhandled rejection', async () => {
    const { source, pending, wasReturned } = manualSource(3);
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const stopped = (async () => {
        for await (const item of readAhead(source)) if (item === 1) break;
      })();
      await until(() => pending.length === 1);
      pending[0].resolve(1);
      await stopped;
      pending[1].reject(new Error('too late'));
      await until(wasReturned);
      await tick();
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });

  it("stops fetching and ends the source when the caller's work throws", async () => {
    const { source, pending, wasReturned } = manualSource(5);
    const consuming = (async () => {
      for await (const item of readAhead(source)) if (item === 1) throw new Error('the database refused the write');
    })();
    await until(() => pending.length === 1);
    pending[0].resolve(1);
    await expect(consuming).rejects.toThrow('the database refused the write');
    pending[1].resolve(2);
    await until(wasReturned);
    expect(pending).toHaveLength(2);
  });

  it('refuses a bound that is not a positive integer', async () => {
    const { source } = manualSource(1);
    for (const options of [
      { ahead: 0, maxBatch: 1 },
      { ahead: 1, maxBatch: Number.NaN },
      { ahead: 1.5, maxBatch: 1 },
      { ahead: 1, maxBatch: 1, aheadWeight: { of: () => 1, max: Number.NaN } },
    ]) {
      await expect(readAheadBatches(source, options).next()).rejects.toThrow(RangeError);
    }
  });
});

/** A caller whose every write of a batch lasts until the test ends it. */
function slowCaller<T>(batches: AsyncIterable<T[]>) {
  const taken: T[][] = [];
  const writing: (() => void)[] = [];
  const done = (async () => {
    for await (const batch of batches) {
      taken.push(batch);
      await new Promise<void>((resolve) => writing.push(resolve));
    }
  })();
  const endWrite = async () => {
    await until(() => writing.length > 0);
    writing.shift()!();
  };
  return { taken, done, endWrite };
}

describe('readAheadBatches, a caller slower than its source', () => {
  it('hands over every item that arrived while the caller worked, in order, at most maxBatch, holding at most `ahead`', async () => {
    const { source, pending } = manualSource(9);
    const caller = slowCaller(readAheadBatches(source, { ahead: 4, maxBatch: 3 }));
    const arrive = async (item: number) => {
      await until(() => pending.length >= item);
      pending[item - 1].resolve(item);
      await tick();
    };
    for (let item = 1; item <= 5; item++) await arrive(item); // the caller works on 1; 2..5 arrive
    await tick();
    expect(pending).toHaveLength(5); // four held: item 6 waits until the caller takes some
    await caller.endWrite();
    await until(() => caller.taken.length === 2);
    for (let item = 6; item <= 8; item++) await arrive(item);
    await caller.endWrite();
    await arrive(9);
    await caller.endWrite();
    await caller.endWrite();
    await caller.done;
    expect(caller.taken).toEqual([[1], [2, 3, 4], [5, 6, 7], [8, 9]]);
  });

  it('fetches no further while the items held weigh the most allowed', async () => {
    const { source, pending } = manualSource(6);
    const weights = new Map([
      [1, 1],
      [2, 6],
      [3, 5],
      [4, 1],
      [5, 1],
      [6, 1],
    ]);
    const caller = slowCaller(readAheadBatches(source, { ahead: 10, maxBatch: 10, aheadWeight: { of: (item: number) => weights.get(item)!, max: 10 } }));
    for (let item = 1; item <= 3; item++) {
      await until(() => pending.length >= item);
      pending[item - 1].resolve(item);
      await tick();
    }
    // The caller works on 1; 2 and 3 are held, weighing 11 of at most 10: item 4 is not fetched.
    await tick();
    expect(pending).toHaveLength(3);
    await caller.endWrite(); // takes 2 and 3: room again
    await until(() => pending.length === 4);
    for (let item = 4; item <= 6; item++) {
      await until(() => pending.length >= item);
      pending[item - 1].resolve(item);
      await tick();
    }
    for (let write = 0; write < 2; write++) await caller.endWrite();
    await caller.done;
    expect(caller.taken).toEqual([[1], [2, 3], [4, 5, 6]]);
  });

  it('hands over the items fetched before a failure, then raises it', async () => {
    const { source, pending } = manualSource(4);
    const caller = slowCaller(readAheadBatches(source, { ahead: 4, maxBatch: 4 }));
    await until(() => pending.length === 1);
    pending[0].resolve(1);
    await until(() => pending.length === 2);
    pending[1].resolve(2);
    await until(() => pending.length === 3);
    pending[2].reject(new Error('Aura answered 503'));
    await tick();
    await caller.endWrite();
    await caller.endWrite();
    await expect(caller.done).rejects.toThrow('Aura answered 503');
    expect(caller.taken).toEqual([[1], [2]]);
  });
});

async function until(condition: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 1_000 && !condition(); attempt++) await tick();
  if (!condition()) throw new Error('condition never held');
}
