import { readAhead } from './read-ahead';

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

describe('readAhead', () => {
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

  it('lets a caller stop early without waiting for the fetch in flight, whose failure is dropped', async () => {
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
      await stopped; // returned although fetch 2 is still in flight
      expect(pending).toHaveLength(2);
      pending[1].reject(new Error('too late'));
      await until(wasReturned);
      await tick();
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

async function until(condition: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 1_000 && !condition(); attempt++) await tick();
  if (!condition()) throw new Error('condition never held');
}
