import { Injectable } from '@nestjs/common';
import { DatabaseClient, DatabaseService, Prisma } from '@app/persistence';

export interface QuarantineEntry {
  /** call or payment */
  resource: 'call' | 'payment';
  contentHash: string;
  upstreamId: string | null;
  reason: string;
  field: string | null;
  message: string;
  raw: unknown;
}

export interface QuarantinedRecordView extends QuarantineEntry {
  id: string;
  firstSeenAt: Date;
  lastSeenAt: Date;
  lastSyncRunId: string | null;
  timesSeen: number;
}

@Injectable()
export class QuarantineRepository {
  constructor(private readonly database: DatabaseService) {}

  /** Keeps each distinct bad record once, counting how often a sync met it. */
  async record(tx: DatabaseClient, entries: QuarantineEntry[], syncRunId: string | null, at: Date): Promise<void> {
    for (const entry of entries) {
      await tx.quarantinedRecord.upsert({
        where: { contentHash: entry.contentHash },
        create: { ...entry, raw: entry.raw === null || entry.raw === undefined ? Prisma.JsonNull : (entry.raw as Prisma.InputJsonValue), firstSeenAt: at, lastSeenAt: at, lastSyncRunId: syncRunId },
        update: { lastSeenAt: at, lastSyncRunId: syncRunId, timesSeen: { increment: 1 } },
      });
    }
  }

  async list(filter: { syncRunId?: string; reason?: string; resource?: string }, limit: number, beforeId: bigint | null): Promise<QuarantinedRecordView[]> {
    const rows = await this.database.client.quarantinedRecord.findMany({
      where: { lastSyncRunId: filter.syncRunId, reason: filter.reason, resource: filter.resource, ...(beforeId !== null ? { id: { lt: beforeId } } : {}) },
      orderBy: { id: 'desc' },
      take: limit + 1,
    });
    return rows.map((row) => ({ ...row, resource: row.resource as QuarantineEntry['resource'], id: row.id.toString() }));
  }
}
