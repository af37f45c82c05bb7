import { statementTotals } from './statement-totals';
import { call, plan, run } from './testing/builders';

describe('statementTotals', () => {
  test("a statement's total is the sum of its rounded lines, not the rounded sum of unrounded ones", () => {
    // 0.05 × 10% = 0.005 → 0.01 per line; three lines = 0.03 (the unrounded sum 0.015 would round to 0.02).
    const result = run(
      [call('c1', { baseAmount: '0.05' }), call('c2', { baseAmount: '0.05' }), call('c3', { baseAmount: '0.05' })],
      [plan({ roles: { closer: { rate: '0.10' } } })],
    );
    expect(result.lines.map((line) => line.amount)).toEqual(['0.01', '0.01', '0.01']);
    expect(statementTotals(result.lines, 'USD')).toEqual([{ payeeId: 'alice', period: '2026-03', total: '0.03', lineCount: 3 }]);
  });

  test('one statement per payee and period, both roles together, in period then payee order', () => {
    const result = run(
      [
        call('c1', { setterId: 'bob', commissionDay: '2026-04-02' }),
        call('c2', { closerId: 'bob', setterId: 'alice', commissionDay: '2026-03-05' }),
        call('c3', { commissionDay: '2026-03-06' }),
      ],
      [plan({ roles: { closer: { rate: '0.10' }, setter: { rate: '0.05' } } })],
    );
    expect(statementTotals(result.lines, 'USD')).toEqual([
      { payeeId: 'alice', period: '2026-03', total: '150.00', lineCount: 2 },
      { payeeId: 'bob', period: '2026-03', total: '100.00', lineCount: 1 },
      { payeeId: 'alice', period: '2026-04', total: '100.00', lineCount: 1 },
      { payeeId: 'bob', period: '2026-04', total: '50.00', lineCount: 1 },
    ]);
  });
});
