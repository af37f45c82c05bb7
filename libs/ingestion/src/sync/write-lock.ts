import { DatabaseClient, lockKey } from '@app/persistence';

const WRITE_LOCK = lockKey('ingestion:write');

/**
 * Takes the lock every write of calls or payments holds until its
 * transaction ends (IngestionWriter), so two writers never judge by what the
 * other has not committed, and a run's read point falls between writes.
 */
export async function holdIngestionWriteLock(tx: DatabaseClient): Promise<void> {
  const [high, low] = WRITE_LOCK;
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${high}::int4, ${low}::int4)`;
}
