import { Injectable } from '@nestjs/common';
import { DatabaseClient, DatabaseService, Prisma } from '@app/persistence';

export const DISPUTE_STATUSES = ['open', 'accepted', 'rejected'] as const;
export type DisputeStatus = (typeof DISPUTE_STATUSES)[number];

export interface DisputeRecord {
  id: string;
  statementId: string;
  lineId: string | null;
  payeeId: string;
  period: string;
  message: string;
  status: DisputeStatus;
  openedBy: string;
  openedRole: string;
  openedAt: Date;
  resolutionNote: string | null;
  adjustmentId: string | null;
  resolvedBy: string | null;
  resolvedAt: Date | null;
}

type Row = Prisma.DisputeGetPayload<object>;

@Injectable()
export class DisputesRepository {
  constructor(private readonly database: DatabaseService) {}

  async insert(
    tx: DatabaseClient,
    entry: Omit<DisputeRecord, 'id' | 'status' | 'resolutionNote' | 'adjustmentId' | 'resolvedBy' | 'resolvedAt'>,
  ): Promise<DisputeRecord> {
    return toRecord(await tx.dispute.create({ data: { ...entry, status: 'open' } }));
  }

  async find(id: string, db: DatabaseClient = this.database.client): Promise<DisputeRecord | null> {
    const row = await db.dispute.findUnique({ where: { id } });
    return row ? toRecord(row) : null;
  }

  /** Newest first. */
  async list(
    filter: { status?: DisputeStatus; payeeId?: string; period?: string; statementId?: string },
    limit: number,
    before: { openedAt: Date; id: string } | null,
  ): Promise<DisputeRecord[]> {
    const rows = await this.database.client.dispute.findMany({
      where: {
        status: filter.status,
        payeeId: filter.payeeId,
        period: filter.period,
        statementId: filter.statementId,
        ...(before ? { OR: [{ openedAt: { lt: before.openedAt } }, { openedAt: before.openedAt, id: { lt: before.id } }] } : {}),
      },
      orderBy: [{ openedAt: 'desc' }, { id: 'desc' }],
      take: limit + 1,
    });
    return rows.map(toRecord);
  }

  /** The open disputes on these statements (what blocks their approval). */
  async countOpen(): Promise<number> {
    return this.database.client.dispute.count({ where: { status: 'open' } });
  }

  async openOn(tx: DatabaseClient, statementIds: readonly string[]): Promise<DisputeRecord[]> {
    if (statementIds.length === 0) return [];
    return (await tx.dispute.findMany({ where: { statementId: { in: [...statementIds] }, status: 'open' }, orderBy: { openedAt: 'asc' } })).map(toRecord);
  }

  /** The dispute an adjustment settles, if any. */
  async settledBy(tx: DatabaseClient, adjustmentId: string): Promise<DisputeRecord | null> {
    const row = await tx.dispute.findFirst({ where: { adjustmentId } });
    return row ? toRecord(row) : null;
  }

  async forStatement(statementId: string): Promise<DisputeRecord[]> {
    return (await this.database.client.dispute.findMany({ where: { statementId }, orderBy: [{ openedAt: 'asc' }, { id: 'asc' }] })).map(toRecord);
  }

  async resolve(
    tx: DatabaseClient,
    id: string,
    resolution: { status: 'accepted' | 'rejected'; note: string; adjustmentId: string | null; by: string; at: Date },
  ): Promise<DisputeRecord | null> {
    const updated = await tx.dispute.updateMany({
      where: { id, status: 'open' },
      data: {
        status: resolution.status,
        resolutionNote: resolution.note,
        adjustmentId: resolution.adjustmentId,
        resolvedBy: resolution.by,
        resolvedAt: resolution.at,
      },
    });
    return updated.count === 0 ? null : this.find(id, tx);
  }
}

function toRecord(row: Row): DisputeRecord {
  return { ...row, status: row.status as DisputeStatus };
}
