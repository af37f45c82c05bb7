import type { Plan } from '@app/commission-engine';
import { inputsDigest, planRecompute, type PeriodComputationRecord, type RecomputeInput } from './recompute-plan';

const computed = (period: string, micros: bigint, extra: Partial<PeriodComputationRecord> = {}): PeriodComputationRecord => ({
  period,
  computedAtMicros: micros,
  runPeriod: period,
  inputs: 'same',
  unsettled: false,
  ...extra,
});

function plan(input: Partial<RecomputeInput>) {
  return planRecompute({
    period: '2026-10',
    records: [],
    closedPeriods: new Set(),
    inputsOf: () => 'same',
    changedCalls: [],
    linePeriods: new Map(),
    draftLinePeriods: new Set(),
    full: false,
    movedCall: false,
    ...input,
  });
}

describe('planRecompute', () => {
  it('leaves alone every earlier period nothing of which changed, and always computes its own', () => {
    expect(plan({ records: [computed('2026-08', 10n), computed('2026-09', 10n)] })).toEqual({
      compute: [{ period: '2026-10', reason: 'run_period' }],
      skipped: ['2026-08', '2026-09'],
    });
  });

  it('gives each earlier period its reason', () => {
    const result = plan({
      records: [
        computed('2026-01', 10n),
        { ...computed('2026-02', 10n), computedAtMicros: null, runPeriod: null, inputs: null },
        { ...computed('2026-02b', 10n), computedAtMicros: null }, // made stale by a run of an earlier period
        computed('2026-03', 10n, { inputs: 'other' }),
        computed('2026-04', 10n, { unsettled: true }),
        computed('2026-05', 10n),
        computed('2026-06', 10n),
        computed('2026-07', 10n),
        computed('2026-11', 10n), // later than the run: not a candidate
      ],
      closedPeriods: new Set(['2025-12']),
      draftLinePeriods: new Set(['2026-05']),
      changedCalls: [
        { id: 'moved', period: '2026-09', changedAtMicros: 11n, movedAtMicros: null }, // now in an open period, with a line in June
        { id: 'old', period: '2026-07', changedAtMicros: 10n, movedAtMicros: null }, // not after July's read point
      ],
      linePeriods: new Map([['moved', ['2026-06']]]),
    });
    expect(result.compute).toEqual([
      { period: '2025-12', reason: 'never_computed' },
      { period: '2026-02', reason: 'never_computed' },
      { period: '2026-02b', reason: 'earlier_period_run' },
      { period: '2026-03', reason: 'inputs_changed' },
      { period: '2026-04', reason: 'unsettled' },
      { period: '2026-05', reason: 'drafts_rebuilt' },
      { period: '2026-06', reason: 'calls_changed' },
      { period: '2026-10', reason: 'run_period' },
    ]);
    expect(result.skipped).toEqual(['2026-01', '2026-07']);
  });

  it('computes every candidate in a run of a period earlier than one already run', () => {
    expect(plan({ records: [computed('2026-09', 10n, { runPeriod: '2026-12' })] }).compute).toEqual([
      { period: '2026-09', reason: 'later_period_run' },
      { period: '2026-10', reason: 'run_period' },
    ]);
  });

  it('computes every candidate while some call has lines in another period than its own', () => {
    expect(plan({ records: [computed('2026-09', 10n)], movedCall: true }).compute).toEqual([
      { period: '2026-09', reason: 'call_moved' },
      { period: '2026-10', reason: 'run_period' },
    ]);
  });

  it('computes every candidate when asked to', () => {
    expect(plan({ records: [computed('2026-09', 10n)], full: true }).compute).toEqual([
      { period: '2026-09', reason: 'full_recompute' },
      { period: '2026-10', reason: 'run_period' },
    ]);
  });
});

describe('inputsDigest', () => {
  const base: Plan = {
    id: 'p1',
    name: 'Flat',
    effective_from: '2026-01-01',
    effective_to: '2026-07-01',
    payees: null,
    priority: 0,
    self_set: 'closer_only',
    missing_setter: 'none',
    roles: { closer: { rate: '0.10' } },
  };
  const settings = { currency: 'USD', roundingMode: 'half_up', clawbackWindowDays: 90 };

  it('changes for the periods a plan is in force in, and only those', () => {
    const raised = { ...base, roles: { closer: { rate: '0.12' } } };
    expect(inputsDigest('2026-06', [raised], settings)).not.toBe(inputsDigest('2026-06', [base], settings));
    expect(inputsDigest('2026-07', [raised], settings)).toBe(inputsDigest('2026-07', [base], settings));
    expect(inputsDigest('2025-12', [raised], settings)).toBe(inputsDigest('2025-12', [base], settings));
  });

  it('changes with the settings', () => {
    expect(inputsDigest('2026-06', [base], { ...settings, clawbackWindowDays: 30 })).not.toBe(inputsDigest('2026-06', [base], settings));
  });
});
