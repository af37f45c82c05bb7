import Decimal from 'decimal.js';

export interface StatementRow {
  id: string;
  payee_id: string;
  payee_name: string | null;
  currency: string;
  status: string;
  commission_total: string;
  adjustment_total: string;
  total: string;
  lines: number;
}

/** A plain-text table of statement totals with a grand total, amounts right-aligned. */
export function renderStatementTable(rows: StatementRow[], currency: string): string {
  const sum = (pick: (row: StatementRow) => string) => rows.reduce((total, row) => total.plus(pick(row)), new Decimal(0));
  const digits = rows[0]?.total.split('.')[1]?.length ?? 2;
  // The name as Aura's team gives it; a person Aura does not list is shown as (not listed).
  const body = rows.map((row) => [
    row.payee_name ?? '(not listed)',
    row.payee_id,
    row.status,
    String(row.lines),
    row.commission_total,
    row.adjustment_total,
    row.total,
  ]);
  const footer = [
    'TOTAL',
    '',
    '',
    String(rows.reduce((n, row) => n + row.lines, 0)),
    sum((r) => r.commission_total).toFixed(digits),
    sum((r) => r.adjustment_total).toFixed(digits),
    sum((r) => r.total).toFixed(digits),
  ];
  const header = ['name', 'payee', 'status', 'lines', `commission (${currency})`, 'adjustments', 'total'];
  const all = [header, ...body, footer];
  const widths = header.map((_, column) => Math.max(...all.map((row) => row[column].length)));
  const format = (row: string[]) => row.map((cell, column) => (column >= 3 ? cell.padStart(widths[column]) : cell.padEnd(widths[column]))).join('  ');
  const rule = widths.map((width) => '─'.repeat(width)).join('  ');
  return [format(header), rule, ...body.map(format), rule, format(footer)].join('\n');
}
