import { StreamableFile } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import type { PayrollExport, PayrollExportRow } from '../payroll-export.service';
import { toCsv } from '../payroll-csv';
import type { ExportFormat } from './payroll-export.query';

/** The payroll import's column order (docs/payouts.md, "Payroll export"). */
export const EXPORT_COLUMNS = [
  'statement_id',
  'payee_id',
  'payee_name',
  'employee_id',
  'payroll_code',
  'period',
  'currency',
  'commission_total',
  'adjustment_total',
  'total',
  'status',
  'approved_at',
  'statement_hash',
] as const;

/** One row of the payroll export: one approved or paid statement. */
export class PayrollExportRowView implements PayrollExportRow {
  @ApiProperty({ format: 'uuid' }) statement_id: string;
  @ApiProperty() payee_id: string;
  @ApiProperty({ type: String, nullable: true, description: "From Aura's team; null for a payee Aura does not list" }) payee_name: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'PUT /v1/payees/{id}; null until set' }) employee_id: string | null;
  @ApiProperty({ type: String, nullable: true }) payroll_code: string | null;
  @ApiProperty({ example: '2026-10' }) period: string;
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiProperty({ example: '1234.50' }) commission_total: string;
  @ApiProperty({ example: '-20.00' }) adjustment_total: string;
  @ApiProperty({ example: '1214.50' }) total: string;
  @ApiProperty({ enum: ['approved', 'paid'] }) status: string;
  @ApiProperty({ type: String, nullable: true }) approved_at: string | null;
  @ApiProperty() statement_hash: string;
}

/** GET /v1/payroll/exports/{period} as JSON. */
export class PayrollExportView {
  @ApiProperty({ example: '2026-10' }) period: string;
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiProperty({ description: 'How many statements (rows)' }) statements: number;
  @ApiProperty({ example: '48211.07', description: "The sum of the rows' totals" }) total: string;
  @ApiProperty({ type: [PayrollExportRowView] }) rows: PayrollExportRowView[];
}

/** JSON, or an RFC 4180 CSV attachment with the same rows and columns. */
export function presentExport(payroll: PayrollExport, format: ExportFormat = 'json'): PayrollExportView | StreamableFile {
  if (format === 'json')
    return { period: payroll.period, currency: payroll.currency, statements: payroll.rows.length, total: payroll.total, rows: payroll.rows };
  const csv = toCsv(
    EXPORT_COLUMNS,
    payroll.rows.map((row) => EXPORT_COLUMNS.map((column) => row[column])),
  );
  return new StreamableFile(Buffer.from(csv, 'utf8'), {
    type: 'text/csv; charset=utf-8',
    disposition: `attachment; filename="payroll-${payroll.period}.csv"`,
  });
}
