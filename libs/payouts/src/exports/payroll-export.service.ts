import { Inject, Injectable } from '@nestjs/common';
import { Decimal, formatMoney } from '@app/commission-engine';
import { commissionConfig, type CommissionConfig } from '@app/configuration';
import { StatementsRepository } from '../statements/statements.repository';

export interface PayrollExportRow {
  statement_id: string;
  payee_id: string;
  period: string;
  currency: string;
  commission_total: string;
  adjustment_total: string;
  total: string;
  status: string;
  approved_at: string | null;
  statement_hash: string;
}

export interface PayrollExport {
  period: string;
  currency: string;
  /** The sum of the rows' totals. */
  total: string;
  rows: PayrollExportRow[];
}

/** What payroll pays for a period: one row per approved or paid statement, by payee then sequence. */
@Injectable()
export class PayrollExportService {
  constructor(
    private readonly statements: StatementsRepository,
    @Inject(commissionConfig.KEY) private readonly config: CommissionConfig,
  ) {}

  async export(period: string): Promise<PayrollExport> {
    const statements = await this.statements.payable(period);
    const rows = statements.map((statement) => ({
      statement_id: statement.id,
      payee_id: statement.payeeId,
      period: statement.period,
      currency: statement.currency,
      commission_total: statement.commissionTotal,
      adjustment_total: statement.adjustmentTotal,
      total: statement.total,
      status: statement.status,
      approved_at: statement.approvedAt?.toISOString() ?? null,
      statement_hash: statement.hash,
    }));
    const total = rows.reduce((sum, row) => sum.plus(row.total), new Decimal(0));
    return { period, currency: this.config.currency, total: formatMoney(total, this.config.currency), rows };
  }
}
