import { Inject, Injectable } from '@nestjs/common';
import { Decimal, formatMoney } from '@app/commission-engine';
import { commissionConfig, type CommissionConfig } from '@app/configuration';
import { PayeesReader } from '@app/payees';
import { StatementsRepository } from '../statements/statements.repository';

export interface PayrollExportRow {
  statement_id: string;
  payee_id: string;
  /** From Aura's team; null for a payee Aura does not list. */
  payee_name: string | null;
  /** Finance's payroll mapping (PUT /v1/payees/:id); null until set. */
  employee_id: string | null;
  payroll_code: string | null;
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
    private readonly payees: PayeesReader,
    @Inject(commissionConfig.KEY) private readonly config: CommissionConfig,
  ) {}

  async export(period: string): Promise<PayrollExport> {
    const statements = await this.statements.payable(period);
    const payees = await this.payees.factsOf(statements.map((statement) => statement.payeeId));
    const rows = statements.map((statement) => ({
      statement_id: statement.id,
      payee_id: statement.payeeId,
      payee_name: payees.get(statement.payeeId)?.name ?? null,
      employee_id: payees.get(statement.payeeId)?.employeeId ?? null,
      payroll_code: payees.get(statement.payeeId)?.payrollCode ?? null,
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
