import { Injectable } from '@nestjs/common';
import { MAX_ID_LENGTH } from '@app/aura-client';
import { losslessJsonText, storableCopy, storableText } from '@app/untrusted-json';
import { contentHash, sha256Hex } from '@app/content-hash';
import { DatabaseClient, DatabaseService, Prisma } from '@app/persistence';

export interface QuarantineEntry {
  /** call, payment or team_member */
  resource: 'call' | 'payment' | 'team_member';
  contentHash: string;
  upstreamId: string | null;
  reason: string;
  field: string | null;
  message: string;
  raw: unknown;
}

/** The content hash a quarantined record is kept under: of its lossless text, which any value has (canonical JSON may not). */
export function quarantineHash(raw: unknown): string {
  try {
    return contentHash(raw ?? null);
  } catch {
    return sha256Hex(losslessJsonText(raw ?? null));
  }
}

export interface QuarantinedRecordView extends QuarantineEntry {
  id: string;
  rawText: string | null;
  firstSeenAt: Date;
  lastSeenAt: Date;
  lastSyncRunId: string | null;
  timesSeen: number;
}

@Injectable()
export class QuarantineRepository {
  constructor(private readonly database: DatabaseService) {}

  /**
   * Keeps each distinct bad record once, counting how often a sync met it.
   * Whatever the record holds, the row can be stored: the raw column gets a
   * storable copy, raw_text the record losslessly as escaped JSON text, and
   * the id, field and message are made storable and bounded.
   */
  async record(tx: DatabaseClient, entries: QuarantineEntry[], syncRunId: string | null, at: Date): Promise<void> {
    for (const entry of entries) {
      const copy = storableCopy(entry.raw ?? null);
      await tx.quarantinedRecord.upsert({
        where: { contentHash: entry.contentHash },
        create: {
          resource: entry.resource,
          contentHash: entry.contentHash,
          upstreamId: entry.upstreamId === null ? null : storableText(entry.upstreamId).slice(0, MAX_ID_LENGTH),
          reason: entry.reason,
          field: entry.field === null ? null : storableText(entry.field).slice(0, 500),
          message: storableText(entry.message).slice(0, 2_000),
          raw: copy === null ? Prisma.JsonNull : (copy as Prisma.InputJsonValue),
          rawText: losslessJsonText(entry.raw ?? null),
          firstSeenAt: at,
          lastSeenAt: at,
          lastSyncRunId: syncRunId,
        },
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
