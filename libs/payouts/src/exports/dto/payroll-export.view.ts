import { StreamableFile } from '@nestjs/common';
import type { PayrollExport } from '../payroll-export.service';
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

/** JSON, or an RFC 4180 CSV attachment with the same rows and columns. */
export function presentExport(payroll: PayrollExport, format: ExportFormat = 'json'): Record<string, unknown> | StreamableFile {
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
