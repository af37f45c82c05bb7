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
