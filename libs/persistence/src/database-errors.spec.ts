import { describeFailure } from './database-errors';

describe('describeFailure', () => {
  it('keeps no file path or source excerpt of a database error, only its kind and last line', () => {
    const error = Object.assign(
      new Error(
        'Invalid `prisma.statementLine.createMany()` invocation in\n/work/main/libs/payouts/src/ledger/ledger.repository.ts:142:9\n\n  139 |     }\n→ 142 |     await tx.statementLine.createMany({\n\nNumeric field overflow: a field with precision 24, scale 6 must round to an absolute value less than 10^18.',
      ),
      { name: 'PrismaClientKnownRequestError', code: 'P2020' },
    );
    const described = describeFailure(error);
    expect(described).toBe(
      'The database refused the write (P2020): Numeric field overflow: a field with precision 24, scale 6 must round to an absolute value less than 10^18.',
    );
    expect(described).not.toMatch(/\/work|\.ts|→|\|/);
  });

  it("keeps the service's own messages as they are", () => {
    expect(describeFailure(new Error('Statements changed while the run of 2026-10 computed; run the period again'))).toBe(
      'Statements changed while the run of 2026-10 computed; run the period again',
    );
    expect(describeFailure('a string')).toBe('Unexpected failure');
  });
});
