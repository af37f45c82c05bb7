import { createHash } from 'node:crypto';
import { Client } from 'pg';
import type { DatabaseTarget } from './database-target';

/**
 * Work that must run on one replica at a time (a sync, a period's run, a
 * scheduled job). On PostgreSQL it holds a session advisory lock on a
 * dedicated connection: if the process dies the connection drops and the lock
 * with it. PGlite serves one process, so an in-process set is enough there.
 */
export class ExclusiveLock {
  private readonly heldHere = new Set<string>();

  constructor(private readonly target: DatabaseTarget) {}

  /** Runs `work` holding the lock; returns `{ acquired: false }` at once if another holder has it. */
  async tryWithLock<T>(name: string, work: () => Promise<T>): Promise<{ acquired: true; value: T } | { acquired: false }> {
    if (this.heldHere.has(name)) return { acquired: false };
    this.heldHere.add(name);
    try {
      if (this.target.kind === 'pglite') return { acquired: true, value: await work() };
      return await this.withAdvisoryLock(name, work);
    } finally {
      this.heldHere.delete(name);
    }
  }

  /**
   * Starts exclusive work in the background and answers as soon as it has
   * begun. Holding the lock, `claim` decides the answer and, optionally, the
   * work that goes on after it (the answer reaches the caller first). When
   * the lock is held elsewhere the answer is `whenHeld()`. `done` settles
   * when everything is finished; errors after the answer go to `onLateError`.
   */
  startInBackground<A>(
    name: string,
    claim: () => Promise<{ answer: A; continueWith?: () => Promise<void> }>,
    whenHeld: () => Promise<A>,
    onLateError: (error: unknown) => void,
  ): Promise<{ answer: A; done: Promise<unknown> }> {
    return new Promise((resolve, reject) => {
      let answered = false;
      const done: Promise<unknown> = this.tryWithLock(name, async () => {
        const { answer, continueWith } = await claim();
        answered = true;
        resolve({ answer, done });
        if (continueWith) await continueWith();
      })
        .then(async (outcome) => {
          if (!outcome.acquired) resolve({ answer: await whenHeld(), done });
        })
        .catch((error: unknown) => {
          if (answered) onLateError(error);
          else reject(error instanceof Error ? error : new Error(String(error)));
        });
    });
  }

  private async withAdvisoryLock<T>(name: string, work: () => Promise<T>): Promise<{ acquired: true; value: T } | { acquired: false }> {
    if (this.target.kind !== 'postgresql') throw new Error('advisory locks need PostgreSQL');
    const client = new Client({ connectionString: this.target.url, connectionTimeoutMillis: 5_000 });
    client.on('error', () => undefined); // a dropped lock connection surfaces through the query below
    await client.connect();
    try {
      const [high, low] = lockKey(name);
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS locked', [high, low]);
      if (!rows[0]?.locked) return { acquired: false };
      try {
        return { acquired: true, value: await work() };
      } finally {
        await client.query('SELECT pg_advisory_unlock($1, $2)', [high, low]).catch(() => undefined);
      }
    } finally {
      await client.end().catch(() => undefined);
    }
  }
}

/** Two 32-bit keys from the lock name, stable across replicas and releases. */
export function lockKey(name: string): [number, number] {
  const digest = createHash('sha256').update(`aura-commissions:${name}`).digest();
  return [digest.readInt32BE(0), digest.readInt32BE(4)];
}
