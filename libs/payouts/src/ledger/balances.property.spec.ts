import fc from 'fast-check';
import { Decimal } from '@app/commission-engine';
import { lineIdOf, statementIdOf } from './line-identity';
import { carriedInKey, finishStatement, type ManualEntry, type OutstandingCarry, type StatementDraft, type StatementLineDraft } from './period-ledger';

/**
 * product.md "Negative balances", as a property over random sequences of
 * months of gains and losses for one payee (1,000 runs): each month's
 * statement is built by the same finishStatement runs and adjustments use,
 * approved, and its carry_forward waits for the next month that has lines.
 * At the end the sum sent to payroll equals the sum earned plus what is still
 * to recover, no total sent to payroll is negative, and a balance is never
 * recovered twice.
 */
const PERIODS = ['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08'];
const cents = (value: number) => new Decimal(value).div(100).toFixed(2);

function callLine(payeeId: string, period: string, index: number, amount: string): StatementLineDraft {
  const lineKey = `commission:c-${period}-${index}:closer:${payeeId}`;
  return {
    id: lineIdOf(lineKey),
    lineKey,
    callId: `c-${period}-${index}`,
    callPeriod: period,
    payeeId,
    role: 'closer',
    kind: index % 2 ? 'adjustment' : 'commission',
    position: 0,
    baseAmount: '0.00',
    amount,
    planId: null,
    adjustsLineId: null,
    explanation: {},
  };
}

const monthArbitrary = fc.record({
  // Call lines: commissions and clawbacks (negative adjustments) in cents.
  lines: fc.array(fc.integer({ min: -300_000, max: 200_000 }), { maxLength: 4 }),
  manual: fc.array(
    fc.integer({ min: -50_000, max: 50_000 }).filter((value) => value !== 0),
    { maxLength: 2 },
  ),
});

describe('negative balances carried forward (fast-check)', () => {
  it('pays what was earned plus what is still to recover, never a negative total, each balance recovered once', () => {
    fc.assert(
      fc.property(fc.array(monthArbitrary, { minLength: 1, maxLength: PERIODS.length }), (months) => {
        const approved: StatementDraft[] = [];
        let earned = new Decimal(0);
        months.forEach((month, index) => {
          const period = PERIODS[index];
          const callLines = month.lines.map((amount, line) => callLine('ann', period, line, cents(amount)));
          const manualEntries: ManualEntry[] = month.manual.map((amount, entry) => ({
            id: `m-${period}-${entry}`,
            payeeId: 'ann',
            period,
            amount: cents(amount),
            category: 'correction',
            reason: 'x',
            createdBy: null,
            createdAt: new Date(Date.UTC(2026, index, 1, 0, entry)),
          }));
          for (const line of [...callLines, ...manualEntries]) earned = earned.plus(line.amount);
          const consumed = new Set(approved.flatMap((statement) => statement.lines.map((line) => line.lineKey)));
          const outstanding: OutstandingCarry[] = approved.flatMap((statement) =>
            statement.lines
              .filter((line) => line.kind === 'carry_forward' && !consumed.has(carriedInKey(line.id)))
              .map((line) => ({ payeeId: 'ann', lineId: line.id, statementId: statement.id, period: statement.period, amount: line.amount })),
          );
          const statement = finishStatement({
            id: statementIdOf('ann', period, 1),
            payeeId: 'ann',
            period,
            sequence: 1,
            currency: 'USD',
            callLines,
            manualEntries,
            outstandingCarries: outstanding,
            negativeBalance: 'carry_forward',
            previous: null,
          });
          if (statement.lines.length > 0) approved.push(statement);
        });
        const keys = approved.flatMap((statement) => statement.lines.map((line) => line.lineKey));
        expect(new Set(keys).size).toBe(keys.length);
        for (const statement of approved) expect(new Decimal(statement.total).isNegative()).toBe(false);
        const consumed = new Set(keys);
        const stillToRecover = approved
          .flatMap((statement) => statement.lines)
          .filter((line) => line.kind === 'carry_forward' && !consumed.has(carriedInKey(line.id)))
          .reduce((sum, line) => sum.plus(line.amount), new Decimal(0));
        const paid = approved.reduce((sum, statement) => sum.plus(statement.total), new Decimal(0));
        expect(paid.toFixed(2)).toBe(earned.plus(stillToRecover).toFixed(2));
        // Every carry_forward names the carried_in line that takes it; every carried_in points back at its carry_forward.
        for (const line of approved.flatMap((statement) => statement.lines)) {
          if (line.kind === 'carry_forward') expect(line.adjustsLineId).toBe(lineIdOf(carriedInKey(line.id)));
          if (line.kind === 'carried_in') expect(line.id).toBe(lineIdOf(carriedInKey(line.adjustsLineId!)));
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('with NEGATIVE_BALANCE=allow, a statement below zero stays below zero, with no carry lines', () => {
    const statement = finishStatement({
      id: statementIdOf('ann', '2026-10', 1),
      payeeId: 'ann',
      period: '2026-10',
      sequence: 1,
      currency: 'USD',
      callLines: [callLine('ann', '2026-10', 0, '100.00'), callLine('ann', '2026-10', 1, '-250.00')],
      manualEntries: [],
      outstandingCarries: [],
      negativeBalance: 'allow',
      previous: null,
    });
    expect(statement.total).toBe('-150.00');
    expect(statement.lines.map((line) => line.kind)).toEqual(['commission', 'adjustment']);
  });

  it('with carry_forward, brings October to 0.00 and opens November with the remainder, explained in words', () => {
    const october = finishStatement({
      id: statementIdOf('ann', '2026-10', 1),
      payeeId: 'ann',
      period: '2026-10',
      sequence: 1,
      currency: 'USD',
      callLines: [callLine('ann', '2026-10', 0, '100.00'), callLine('ann', '2026-10', 1, '-250.00')],
      manualEntries: [],
      outstandingCarries: [],
      negativeBalance: 'carry_forward',
      previous: null,
    });
    expect(october).toMatchObject({ commissionTotal: '100.00', adjustmentTotal: '-100.00', total: '0.00' });
    const carry = october.lines.at(-1)!;
    expect(carry).toMatchObject({ kind: 'carry_forward', amount: '150.00' });
    expect(String(carry.explanation['sentence'])).toContain('-150.00 is carried');
    const november = finishStatement({
      id: statementIdOf('ann', '2026-11', 1),
      payeeId: 'ann',
      period: '2026-11',
      sequence: 1,
      currency: 'USD',
      callLines: [callLine('ann', '2026-11', 0, '400.00')],
      manualEntries: [],
      outstandingCarries: [{ payeeId: 'ann', lineId: carry.id, statementId: october.id, period: '2026-10', amount: carry.amount }],
      negativeBalance: 'carry_forward',
      previous: null,
    });
    expect(november.lines.map((line) => [line.kind, line.amount])).toEqual([
      ['commission', '400.00'],
      ['carried_in', '-150.00'],
    ]);
    expect(november.total).toBe('250.00');
  });
});
