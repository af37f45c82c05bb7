import { Injectable } from '@nestjs/common';
import { minorUnitDigits, type Role } from '@app/commission-engine';
import { DatabaseClient, DatabaseService, decimalColumnToString, decimalTextToString, Prisma } from '@app/persistence';
import type { LineKind, StatementLineDraft, StatementStatus } from '../ledger/period-ledger';

export interface StatementRecord {
  id: string;
  payeeId: string;
  period: string;
  sequence: number;
  currency: string;
  status: StatementStatus;
  /** Decimal strings with at least the currency's minor digits. */
  commissionTotal: string;
  adjustmentTotal: string;
  total: string;
  version: number;
  hash: string;
  runId: string | null;
  createdAt: Date;
  updatedAt: Date;
  approvedAt: Date | null;
  approvedBy: string | null;
  paidAt: Date | null;
  paidBy: string | null;
  payrollReference: string | null;
}

/** A stored line: what the ledger drafted, and where it was written. */
export interface StatementLineRecord extends StatementLineDraft {
  statementId: string;
  runId: string | null;
}

export interface StatementFilter {
  period?: string;
  payeeId?: string;
  /** Only these statuses (the caller's role may narrow what it asked for). */
  statuses: StatementStatus[];
}

/** Statements are listed by period (newest first), then payee, then sequence. */
export interface StatementListPosition {
  period: string;
  payeeId: string;
  sequence: number;
}

type StatementRow = Prisma.StatementGetPayload<object>;
type LineRow = Prisma.StatementLineGetPayload<object>;

/** A line as LINE_TEXT_COLUMNS read it: the model's field names, ids and amounts as text. */
type LineTextRow = Omit<LineRow, 'baseAmount' | 'amount' | 'createdAt'> & { baseAmount: string | null; amount: string };

const LINE_TEXT_COLUMNS = Prisma.sql`id::text AS id, line_key AS "lineKey", statement_id::text AS "statementId", run_id::text AS "runId",
  call_id AS "callId", call_period AS "callPeriod", payee_id AS "payeeId", role, kind, position, base_amount::text AS "baseAmount",
  amount::text AS amount, plan_id::text AS "planId", adjusts_line_id::text AS "adjustsLineId", explanation`;

@Injectable()
export class StatementsRepository {
  constructor(private readonly database: DatabaseService) {}

  async find(id: string, db: DatabaseClient = this.database.client): Promise<StatementRecord | null> {
    const row = await db.statement.findUnique({ where: { id } });
    return row ? toStatement(row) : null;
  }

  async findMany(ids: string[], db: DatabaseClient = this.database.client): Promise<StatementRecord[]> {
    if (ids.length === 0) return [];
    const rows = await db.statement.findMany({ where: { id: { in: ids } }, orderBy: [{ payeeId: 'asc' }, { sequence: 'asc' }] });
    return rows.map(toStatement);
  }

  async lines(statementId: string, currency: string, db: DatabaseClient = this.database.client): Promise<StatementLineRecord[]> {
    const rows = await db.statementLine.findMany({ where: { statementId }, orderBy: { position: 'asc' } });
    return rows.map((row) => toLine(row, currency));
  }

  /**
   * One page of a statement's lines in statement order (position), after
   * `afterPosition`. Raw SQL with the amounts as text: the ORM's row mapping
   * (a Decimal per amount, turned back into text here) was the largest part
   * of the route's time after the query itself.
   */
  async linesPage(
    statementId: string,
    currency: string,
    filter: { kind?: string; role?: string; callId?: string },
    limit: number,
    afterPosition: number | null,
  ): Promise<StatementLineRecord[]> {
    const rows = await this.database.client.$queryRaw<LineTextRow[]>`
      SELECT ${LINE_TEXT_COLUMNS} FROM statement_lines
      WHERE statement_id = ${statementId}::uuid
        AND (${filter.kind ?? null}::text IS NULL OR kind = ${filter.kind ?? null})
        AND (${filter.role ?? null}::text IS NULL OR role = ${filter.role ?? null})
        AND (${filter.callId ?? null}::text IS NULL OR call_id = ${filter.callId ?? null})
        AND (${afterPosition}::int IS NULL OR position > ${afterPosition})
      ORDER BY position LIMIT ${limit + 1}`;
    return rows.map((row) => toLine(row, currency));
  }

  /** How many lines of each kind the statement has. */
  async lineCounts(statementId: string): Promise<Map<string, number>> {
    const rows = await this.database.client.statementLine.groupBy({ by: ['kind'], where: { statementId }, _count: { _all: true } });
    return new Map(rows.map((row) => [row.kind, row._count._all]));
  }

  /** Every line paying or adjusting a call, with its statement, oldest period first. */
  async linesForCall(callId: string): Promise<{ line: StatementLineRecord; statement: StatementRecord }[]> {
    const rows = await this.database.client.statementLine.findMany({
      where: { callId },
      include: { statement: true },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
    return rows
      .map(({ statement, ...line }) => ({ line: toLine(line, statement.currency), statement: toStatement(statement) }))
      .sort((a, b) => compareText(a.statement.period, b.statement.period) || a.statement.sequence - b.statement.sequence || a.line.position - b.line.position);
  }

  async list(filter: StatementFilter, limit: number, after: StatementListPosition | null): Promise<StatementRecord[]> {
    const conditions: Prisma.StatementWhereInput[] = [{ status: { in: filter.statuses } }];
    if (filter.period !== undefined) conditions.push({ period: filter.period });
    if (filter.payeeId !== undefined) conditions.push({ payeeId: filter.payeeId });
    if (after) {
      conditions.push({
        OR: [
          { period: { lt: after.period } },
          { period: after.period, payeeId: { gt: after.payeeId } },
          { period: after.period, payeeId: after.payeeId, sequence: { gt: after.sequence } },
        ],
      });
    }
    const rows = await this.database.client.statement.findMany({
      where: { AND: conditions },
      orderBy: [{ period: 'desc' }, { payeeId: 'asc' }, { sequence: 'asc' }],
      take: limit + 1,
    });
    return rows.map(toStatement);
  }

  /**
   * Moves a statement from one status to another if it is still in `from`
   * with the content `hash`; false when it is not (someone got there first).
   */
  async transition(
    tx: DatabaseClient,
    id: string,
    from: { status: StatementStatus; hash: string },
    change: {
      status: StatementStatus;
      at: Date;
      approvedAt?: Date | null;
      approvedBy?: string | null;
      paidAt?: Date | null;
      paidBy?: string | null;
      payrollReference?: string | null;
    },
  ): Promise<boolean> {
    const { at, ...data } = change;
    const updated = await tx.statement.updateMany({ where: { id, status: from.status, hash: from.hash }, data: { ...data, updatedAt: at } });
    return updated.count === 1;
  }

  /** Approves every draft of the period; returns their ids. */
  async approveDrafts(tx: DatabaseClient, period: string, approvedBy: string, at: Date): Promise<string[]> {
    const rows = await tx.$queryRaw<{ id: string }[]>`
      UPDATE statements SET status = 'approved', approved_at = ${at}, approved_by = ${approvedBy}, updated_at = ${at}
      WHERE period = ${period} AND status = 'draft'
      RETURNING id::text AS id`;
    return rows.map((row) => row.id);
  }

  /** Approved and paid statements of a period, by payee then sequence: what payroll pays. */
  async payable(period: string): Promise<StatementRecord[]> {
    const rows = await this.database.client.statement.findMany({
      where: { period, status: { in: ['approved', 'paid'] } },
      orderBy: [{ payeeId: 'asc' }, { sequence: 'asc' }],
    });
    return rows.map(toStatement);
  }
}

function toStatement(row: StatementRow): StatementRecord {
  const digits = minorUnitDigits(row.currency);
  return {
    id: row.id,
    payeeId: row.payeeId,
    period: row.period,
    sequence: row.sequence,
    currency: row.currency,
    status: row.status as StatementStatus,
    commissionTotal: decimalColumnToString(row.commissionTotal, digits),
    adjustmentTotal: decimalColumnToString(row.adjustmentTotal, digits),
    total: decimalColumnToString(row.total, digits),
    version: row.version,
    hash: row.hash,
    runId: row.runId,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    approvedAt: row.approvedAt,
    approvedBy: row.approvedBy,
    paidAt: row.paidAt,
    paidBy: row.paidBy,
    payrollReference: row.payrollReference,
  };
}

/** A stored line, read through the model (amounts as Decimals) or as LINE_TEXT_COLUMNS (amounts as text). */
function toLine(row: LineRow | LineTextRow, currency: string): StatementLineRecord {
  const digits = minorUnitDigits(currency);
  const money = (value: Prisma.Decimal | string) => (typeof value === 'string' ? decimalTextToString(value, digits) : decimalColumnToString(value, digits));
  return {
    id: row.id,
    lineKey: row.lineKey,
    statementId: row.statementId,
    runId: row.runId,
    callId: row.callId,
    callPeriod: row.callPeriod,
    payeeId: row.payeeId,
    role: row.role as Role | null,
    kind: row.kind as LineKind,
    position: row.position,
    baseAmount: row.baseAmount === null ? null : money(row.baseAmount),
    amount: money(row.amount),
    planId: row.planId,
    adjustsLineId: row.adjustsLineId,
    explanation: row.explanation as Record<string, unknown>,
  };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
