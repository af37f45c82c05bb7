import type { CommissionCall } from './commission-call';
import { computePayouts } from './compute-payouts';
import { EngineInputError } from './engine-input-error';
import type { Plan } from './plan-definition';
import { call, plan } from './testing/builders';

const validPlan = plan({ roles: { closer: { rate: '0.1' } } });

function problemsOf(input: { calls?: CommissionCall[]; plans?: Plan[]; currency?: string; roundingMode?: string }) {
  try {
    computePayouts({
      calls: input.calls ?? [call('c1')],
      plans: input.plans ?? [validPlan],
      currency: input.currency ?? 'USD',
      roundingMode: (input.roundingMode ?? 'half_up') as 'half_up',
    });
  } catch (error) {
    expect(error).toBeInstanceOf(EngineInputError);
    return (error as EngineInputError).problems;
  }
  throw new Error('expected computePayouts to refuse its input');
}

describe('computePayouts refuses input it cannot compute from, listing every problem', () => {
  test.each<[string, Parameters<typeof problemsOf>[0], object]>([
    ['an unknown currency', { currency: 'XYZW' }, { source: 'input', field: 'currency' }],
    ['an unknown rounding mode', { roundingMode: 'bankers' }, { source: 'input', field: 'roundingMode' }],
    ['a plan the API would refuse', { plans: [plan({ roles: { closer: { rate: '1.5' } } })] }, { source: 'plan', id: 'plan-a', field: 'roles.closer.rate' }],
    ['two plans with one id', { plans: [validPlan, validPlan] }, { source: 'plan', id: 'plan-a', message: 'two plans share this id' }],
    [
      'a base amount that is not a decimal string',
      { calls: [call('c1', { baseAmount: 5000 as unknown as string })] },
      { source: 'call', id: 'c1', field: 'baseAmount' },
    ],
    ['a negative base amount', { calls: [call('c1', { baseAmount: '-1.00' })] }, { source: 'call', id: 'c1', field: 'baseAmount' }],
    ['an unparseable commission instant', { calls: [call('c1', { commissionAt: 'yesterday' })] }, { source: 'call', id: 'c1', field: 'commissionAt' }],
    [
      'a commission instant without offset (a wall-clock time)',
      { calls: [call('c1', { commissionAt: '2026-03-10T12:00:00' })] },
      { source: 'call', id: 'c1', field: 'commissionAt' },
    ],
    [
      'a commission instant that is not ISO 8601',
      { calls: [call('c1', { commissionAt: 'March 10, 2026 12:00 UTC' })] },
      { source: 'call', id: 'c1', field: 'commissionAt' },
    ],
    [
      'a commission day that is not a date',
      { calls: [call('c1', { commissionDay: '2026-02-30', period: '2026-02' })] },
      { source: 'call', id: 'c1', field: 'commissionDay' },
    ],
    [
      'a period that is not the month of the commission day',
      { calls: [call('c1', { period: '2026-04' })] },
      { source: 'call', id: 'c1', field: 'period', message: 'must be the month of commissionDay 2026-03-10 (got 2026-04)' },
    ],
    ['two calls with one id', { calls: [call('c1'), call('c1')] }, { source: 'call', id: 'c1', message: 'two calls share this id' }],
    ['a call without closer', { calls: [call('c1', { closerId: '' })] }, { source: 'call', id: 'c1', field: 'closerId' }],
  ])('%s', (_case, input, problem) => {
    expect(problemsOf(input)).toContainEqual(expect.objectContaining(problem));
  });

  test('every problem is listed, and the message names the first ones', () => {
    let caught: unknown;
    try {
      computePayouts({
        calls: [call('c1', { baseAmount: 'x' }), call('c2', { commissionAt: 'never' })],
        plans: [validPlan],
        currency: 'USD',
        roundingMode: 'half_up',
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(EngineInputError);
    expect((caught as EngineInputError).problems.map((p) => `${p.id} ${p.field}`)).toEqual(['c1 baseAmount', 'c2 commissionAt']);
    expect((caught as EngineInputError).message).toMatch(/^Cannot compute payouts: call c1 baseAmount: .*; call c2 commissionAt: /);
  });

  test('an empty setter id means no setter', () => {
    const result = computePayouts({ calls: [call('c1', { setterId: '' })], plans: [validPlan], currency: 'USD', roundingMode: 'half_up' });
    expect(result.lines).toHaveLength(1);
    expect(result.unplanned).toEqual([]);
  });

  test('stored plans may carry bookkeeping fields beside the definition', () => {
    const stored = { ...validPlan, created_at: '2026-01-01T00:00:00Z', version: 3 } as Plan;
    const result = computePayouts({ calls: [call('c1')], plans: [stored], currency: 'USD', roundingMode: 'half_up' });
    expect(result.lines.map((line) => line.amount)).toEqual(['100.00']);
  });

  test('no calls, no lines', () => {
    expect(computePayouts({ calls: [], plans: [], currency: 'USD', roundingMode: 'half_up' })).toEqual({ lines: [], unplanned: [] });
  });
});
