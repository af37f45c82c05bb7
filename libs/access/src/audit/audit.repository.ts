import { Injectable } from '@nestjs/common';
import { DatabaseClient, DatabaseService, Prisma } from '@app/persistence';

export interface AuditRecord {
  id: string;
  at: Date;
  actorKeyId: string | null;
  actorRole: string | null;
  action: string;
  resourceType: string;
  resourceId: string | null;
  requestId: string;
  statusCode: number;
  details: unknown;
}

export type NewAuditRecord = Omit<AuditRecord, 'id' | 'at'>;

export interface AuditFilter {
  resourceType?: string;
  resourceId?: string;
  actorKeyId?: string;
}

@Injectable()
export class AuditRepository {
  constructor(private readonly database: DatabaseService) {}

  /** Writes the row of a write about to happen (status 0: under way); returns its id for complete(). */
  async begin(entry: NewAuditRecord): Promise<bigint> {
    const row = await this.database.client.auditEntry.create({
      data: { ...entry, details: entry.details === null || entry.details === undefined ? Prisma.DbNull : (entry.details as Prisma.InputJsonValue) },
      select: { id: true },
    });
    return row.id;
  }

  async complete(id: bigint, outcome: { statusCode: number; resourceId: string | null; details: unknown }): Promise<void> {
    await this.database.client.auditEntry.update({
      where: { id },
      data: {
        statusCode: outcome.statusCode,
        resourceId: outcome.resourceId,
        details: outcome.details === null || outcome.details === undefined ? Prisma.DbNull : (outcome.details as Prisma.InputJsonValue),
      },
    });
  }

  async insert(entry: NewAuditRecord, db: DatabaseClient = this.database.client): Promise<void> {
    await db.auditEntry.create({
      data: { ...entry, details: entry.details === null || entry.details === undefined ? Prisma.DbNull : (entry.details as Prisma.InputJsonValue) },
    });
  }

  /** Newest first. */
  async list(filter: AuditFilter, limit: number, beforeId: bigint | null): Promise<AuditRecord[]> {
    const rows = await this.database.client.auditEntry.findMany({
      where: { ...filter, ...(beforeId !== null ? { id: { lt: beforeId } } : {}) },
      orderBy: { id: 'desc' },
      take: limit + 1,
    });
    return rows.map((row) => ({ ...row, id: row.id.toString() }));
  }
}
