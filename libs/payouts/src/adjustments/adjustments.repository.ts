import { Injectable } from '@nestjs/common';
import { minorUnitDigits } from '@app/commission-engine';
import { DatabaseClient, DatabaseService, decimalColumnToString, Prisma } from '@app/persistence';

export interface AdjustmentRecord {
  id: string;
  payeeId: string;
  period: string;
  amount: string;
  currency: string;
  category: string;
  reason: string;
  statementId: string;
  createdAt: Date;
  createdBy: string | null;
  deletedAt: Date | null;
  deletedBy: string | null;
}

export interface AdjustmentFilter {
  payeeId?: string;
  period?: string;
  category?: string;
}

type Row = Prisma.ManualAdjustmentGetPayload<object>;

@Injectable()
export class AdjustmentsRepository {
  constructor(private readonly database: DatabaseService) {}

  async insert(tx: DatabaseClient, entry: Omit<AdjustmentRecord, 'id' | 'deletedAt' | 'deletedBy'>): Promise<AdjustmentRecord> {
    return toRecord(await tx.manualAdjustment.create({ data: entry }));
  }

  async find(id: string, db: DatabaseClient = this.database.client): Promise<AdjustmentRecord | null> {
    const row = await db.manualAdjustment.findUnique({ where: { id } });
    return row ? toRecord(row) : null;
  }

  /** Newest first. */
  async list(filter: AdjustmentFilter, limit: number, before: { createdAt: Date; id: string } | null): Promise<AdjustmentRecord[]> {
    const rows = await this.database.client.manualAdjustment.findMany({
      where: {
        payeeId: filter.payeeId,
        period: filter.period,
        category: filter.category,
        ...(before ? { OR: [{ createdAt: { lt: before.createdAt } }, { createdAt: before.createdAt, id: { lt: before.id } }] } : {}),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: limit + 1,
    });
    return rows.map(toRecord);
  }

  async markDeleted(tx: DatabaseClient, id: string, by: string, at: Date): Promise<AdjustmentRecord> {
    return toRecord(await tx.manualAdjustment.update({ where: { id }, data: { deletedAt: at, deletedBy: by } }));
  }
}

function toRecord(row: Row): AdjustmentRecord {
  return { ...row, amount: decimalColumnToString(row.amount, minorUnitDigits(row.currency)) };
}
