import { Decimal, ZERO, formatMoney } from './money';
import type { PayoutLine } from './payout-result';

export interface StatementTotal {
  payeeId: string;
  period: string;
  /** The sum of the statement's rounded lines: never re-rounded, never summed before rounding. */
  total: string;
  lineCount: number;
}

/**
 * One total per (payee, period) statement: the exact sum of its rounded
 * lines, so the total always equals what the lines show.
 */
export function statementTotals(lines: readonly Pick<PayoutLine, 'payeeId' | 'period' | 'amount'>[], currency: string): StatementTotal[] {
  const totals = new Map<string, { payeeId: string; period: string; total: Decimal; lineCount: number }>();
  for (const line of lines) {
    const key = `${line.period}\u0000${line.payeeId}`;
    let statement = totals.get(key);
    if (!statement) {
      statement = { payeeId: line.payeeId, period: line.period, total: ZERO, lineCount: 0 };
      totals.set(key, statement);
    }
    statement.total = statement.total.plus(new Decimal(line.amount));
    statement.lineCount += 1;
  }
  return [...totals.values()]
    .sort((a, b) => (a.period !== b.period ? (a.period < b.period ? -1 : 1) : a.payeeId < b.payeeId ? -1 : a.payeeId > b.payeeId ? 1 : 0))
    .map((statement) => ({ ...statement, total: formatMoney(statement.total, currency) }));
}
