import { DatabaseClient, Prisma } from '@app/persistence';

/**
 * After a complete pass over one resource: flags the rows upstream no longer
 * returned (`missing_upstream`), clears the flag on those it did, and says
 * how many are flagged. What the pass saw is in `sync_run_pages`.
 */
export async function flagMissingUpstream(tx: DatabaseClient, resource: 'calls' | 'payments', syncRunId: string): Promise<number> {
  const table = Prisma.raw(resource); // one of two literals, never input
  const seen = Prisma.sql`SELECT unnest(call_ids) FROM sync_run_pages WHERE sync_run_id = ${syncRunId}::uuid AND resource = ${resource}`;
  await tx.$executeRaw`UPDATE ${table} SET missing_upstream = false WHERE missing_upstream AND id IN (${seen})`;
  await tx.$executeRaw`UPDATE ${table} SET missing_upstream = true WHERE NOT missing_upstream AND id NOT IN (${seen})`;
  const [{ flagged }] = await tx.$queryRaw<{ flagged: bigint }[]>`SELECT count(*) AS flagged FROM ${table} WHERE missing_upstream`;
  return Number(flagged);
}
