import { createHash } from 'node:crypto';
import type { Plan } from '@app/commission-engine';
import { nextPeriod } from '../periods/period';

/**
 * Which periods a run computes (docs/payouts.md "What a run recomputes").
 * A run of P settles P and every earlier period whose calls hold lines or
 * whose statements were approved. Computing one of those earlier periods
 * again gives the same lines unless something it read changed, so a run
 * computes an earlier period only for one of these reasons:
 */
export const RECOMPUTE_REASONS = [
  /** The run's own period: always computed. */
  'run_period',
  /** No run has computed it since this was recorded (new, or from before the record existed). */
  'never_computed',
  /** The settings, the engine's version or a plan in force in the period changed. */
  'inputs_changed',
  /** A call of the period, or with a line in it, changed after it was last computed. */
  'calls_changed',
  /** Its last computation left a difference unsettled (a clawback outside the window is reported every run). */
  'unsettled',
  /** The run's drafts, rebuilt from scratch, hold lines of the period. */
  'drafts_rebuilt',
  /** A call of a computed period has lines in it too, or moved into it: settled together. */
  'shares_a_call',
  /** The run was asked to compute every period (POST /v1/runs with recompute: all). */
  'full_recompute',
  /**
   * A later period than P has been run: what an earlier period settles to
   * depends on the run's period (a call's lines can sit on both sides of P),
   * so a run of an earlier period computes every candidate.
   */
  'later_period_run',
  /** A run of an earlier period wrote lines since it was computed (they may settle calls of this one). */
  'earlier_period_run',
  /**
   * Some call's lines sit in another period than the one it belongs to now
   * (its commission date moved to another month): runs compute every
   * candidate, as before incremental runs (a known limit, docs/payouts.md).
   */
  'call_moved',
] as const;
export type RecomputeReason = (typeof RECOMPUTE_REASONS)[number];

/** Bump when the engine or the ledger changes what the same inputs give: every period is computed again once. */
export const COMPUTATION_VERSION = 1;

/** A period's last computation as recorded. */
export interface PeriodComputationRecord {
  period: string;
  /** The run's read point, microseconds since the epoch; null: never computed, or made stale by a run of an earlier period. */
  computedAtMicros: bigint | null;
  runPeriod: string | null;
  inputs: string | null;
  unsettled: boolean;
}

/** A call written after some read point: microseconds since the epoch. */
export interface ChangedCall {
  id: string;
  period: string | null;
  changedAtMicros: bigint;
  /** When its period last changed (its commission date moved to another month); null: never. */
  movedAtMicros: bigint | null;
}

export interface RecomputeInput {
  period: string;
  /** Recorded computations of periods up to P (every period holding a call line has one). */
  records: readonly PeriodComputationRecord[];
  /** Periods before P with an approved or paid statement. */
  closedPeriods: ReadonlySet<string>;
  /** The digest each period is computed under now (inputsDigest). */
  inputsOf: (period: string) => string;
  /** Calls written after the earliest read point among the records. */
  changedCalls: readonly ChangedCall[];
  /** Periods of the call lines of each changed call. */
  linePeriods: ReadonlyMap<string, readonly string[]>;
  /** Periods of the call lines in P's draft statements, which the run rebuilds. */
  draftLinePeriods: ReadonlySet<string>;
  full: boolean;
  /** Some call has lines in another period than its own now (calls that moved since show in changedCalls). */
  movedCall: boolean;
}

export interface RecomputePlan {
  /** The periods to compute, sorted, with why. */
  compute: { period: string; reason: RecomputeReason }[];
  /** Candidates left as they were last computed, sorted. */
  skipped: string[];
}

/** The periods a run of P computes, and the candidates it can leave alone. */
export function planRecompute(input: RecomputeInput): RecomputePlan {
  const { period } = input;
  const records = new Map(input.records.filter((record) => record.period <= period).map((record) => [record.period, record]));
  const candidates = new Set<string>([period, ...records.keys()]);
  for (const closed of input.closedPeriods) if (closed < period) candidates.add(closed);

  const afterLaterRun = [...records.values()].some((record) => record.runPeriod !== null && record.runPeriod > period);
  // A call that moved since the periods were computed changed the periods it left, which nothing else records.
  const since = earliestReadPoint([...records.values()]);
  const movedCall = input.movedCall || input.changedCalls.some((call) => call.movedAtMicros !== null && (since === null || call.movedAtMicros > since));
  const reasons = new Map<string, RecomputeReason>();
  for (const candidate of candidates) {
    const record = records.get(candidate);
    if (candidate === period) reasons.set(candidate, 'run_period');
    else if (input.full) reasons.set(candidate, 'full_recompute');
    else if (movedCall) reasons.set(candidate, 'call_moved');
    else if (afterLaterRun) reasons.set(candidate, 'later_period_run');
    else if (record && record.computedAtMicros === null && record.runPeriod !== null) reasons.set(candidate, 'earlier_period_run');
    else if (!record || record.computedAtMicros === null) reasons.set(candidate, 'never_computed');
    else if (record.inputs !== input.inputsOf(candidate)) reasons.set(candidate, 'inputs_changed');
    else if (record.unsettled) reasons.set(candidate, 'unsettled');
    else if (input.draftLinePeriods.has(candidate)) reasons.set(candidate, 'drafts_rebuilt');
  }
  for (const call of input.changedCalls) {
    for (const touched of new Set([...(call.period !== null ? [call.period] : []), ...(input.linePeriods.get(call.id) ?? [])])) {
      const computedAt = records.get(touched)?.computedAtMicros;
      if (candidates.has(touched) && !reasons.has(touched) && computedAt !== null && computedAt !== undefined && call.changedAtMicros > computedAt) {
        reasons.set(touched, 'calls_changed');
      }
    }
  }
  const compute = [...reasons].map(([computed, reason]) => ({ period: computed, reason })).sort((a, b) => a.period.localeCompare(b.period));
  const skipped = [...candidates].filter((candidate) => !reasons.has(candidate)).sort();
  return { compute, skipped };
}

/** The earliest read point among the records a run may skip (null: none can be skipped on calls alone). */
export function earliestReadPoint(records: readonly PeriodComputationRecord[]): bigint | null {
  let earliest: bigint | null = null;
  for (const record of records) {
    if (record.computedAtMicros !== null && (earliest === null || record.computedAtMicros < earliest)) earliest = record.computedAtMicros;
  }
  return earliest;
}

export interface ComputationSettings {
  currency: string;
  roundingMode: string;
  clawbackWindowDays: number;
  negativeBalance?: string;
}

/**
 * What a period's computation depends on besides its calls: the settings,
 * COMPUTATION_VERSION and every plan in force on some day of the period,
 * as a digest. A plan created, changed or retired in the period changes it.
 */
export function inputsDigest(period: string, plans: readonly Plan[], settings: ComputationSettings): string {
  const first = `${period}-01`;
  const end = `${nextPeriod(period)}-01`;
  const inForce = plans
    .filter((plan) => plan.effective_from < end && (plan.effective_to === null || plan.effective_to === undefined || plan.effective_to > first))
    .sort((a, b) => a.id.localeCompare(b.id));
  const digest = createHash('sha256');
  digest.update(
    JSON.stringify({
      version: COMPUTATION_VERSION,
      settings: {
        currency: settings.currency,
        roundingMode: settings.roundingMode,
        clawbackWindowDays: settings.clawbackWindowDays,
        negativeBalance: settings.negativeBalance ?? 'carry_forward',
      },
      plans: inForce,
    }),
  );
  return digest.digest('hex');
}
