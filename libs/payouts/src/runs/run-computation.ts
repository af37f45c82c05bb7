import { computePayouts, type CommissionCall, type PayoutResult, type Plan, type Role, type RoundingMode } from '@app/commission-engine';
import {
  buildPeriodStatements,
  callsToLookUp,
  CallState,
  LedgerOutcome,
  LockedLine,
  ManualEntry,
  NegativeBalance,
  OutstandingCarry,
  PeriodStatementHead,
  periodsToRecompute,
  VolumeTerms,
} from '../ledger/period-ledger';

/** What a run reads about calls; the database in production, a model in the property suite. */
export interface RunCallSource {
  /** Commissionable calls of these periods in the engine's shape, and when each one's earnings last changed. */
  forRun(periods: string[]): Promise<{ calls: CommissionCall[]; earningsChangedAt: Map<string, Date | null> }>;
  /** What is known of these calls (any state), for settled keys the engine no longer pays. */
  facts(ids: string[]): Promise<CallState[]>;
}

export interface RunSnapshot {
  lockedLines: LockedLine[];
  periodStatements: PeriodStatementHead[];
  closedPeriods: Set<string>;
  manualEntries?: ManualEntry[];
  outstandingCarries?: OutstandingCarry[];
}

export interface RunSettings {
  currency: string;
  roundingMode: RoundingMode;
  clawbackWindowDays: number;
  negativeBalance?: NegativeBalance;
}

export interface RunComputation {
  outcome: LedgerOutcome;
  periods: string[];
  calls: CommissionCall[];
  paid: PayoutResult;
}

/**
 * The compute half of a run (read a snapshot, compute purely, then write):
 * pay P, every earlier period holding a locked line and every earlier closed
 * period, then the periods settled calls moved to, and settle the ledger.
 */
export async function computeRun(period: string, snapshot: RunSnapshot, plans: Plan[], settings: RunSettings, source: RunCallSource): Promise<RunComputation> {
  const pay = (calls: CommissionCall[]) => computePayouts({ calls, plans, currency: settings.currency, roundingMode: settings.roundingMode });
  let periods = periodsToRecompute(period, snapshot.lockedLines, snapshot.closedPeriods);
  let read = await source.forRun(periods);
  let paid = pay(read.calls);
  let states = await statesOf(source, callsToLookUp(period, paid, snapshot.lockedLines));
  const movedTo = [...states.values()]
    .map((state) => (state.commissionable ? state.period : null))
    .filter((moved): moved is string => moved !== null && moved <= period && !periods.includes(moved));
  if (movedTo.length > 0) {
    periods = [...new Set([...periods, ...movedTo])].sort();
    read = await source.forRun(periods);
    paid = pay(read.calls);
    states = await statesOf(source, callsToLookUp(period, paid, snapshot.lockedLines));
  }
  const outcome = buildPeriodStatements({
    period,
    currency: settings.currency,
    clawbackWindowDays: settings.clawbackWindowDays,
    closedPeriods: snapshot.closedPeriods,
    earningsChangedAt: read.earningsChangedAt,
    paid,
    lockedLines: snapshot.lockedLines,
    periodStatements: snapshot.periodStatements,
    callStates: states,
    volumeTerms: volumeTermsOf(plans),
    manualEntries: snapshot.manualEntries ?? [],
    outstandingCarries: snapshot.outstandingCarries ?? [],
    negativeBalance: settings.negativeBalance ?? 'carry_forward',
  });
  return { outcome, periods, calls: read.calls, paid };
}

/** Which plans let other calls move a line: tiers or a period cap (for the clawback window). */
function volumeTermsOf(plans: Plan[]): (planId: string, role: Role) => VolumeTerms | null {
  const byId = new Map(plans.map((plan) => [plan.id, plan]));
  return (planId, role) => {
    const terms = byId.get(planId)?.roles[role];
    if (!terms) return null;
    return { tiers: terms.tiers?.mode ?? null, periodCap: terms.max_per_period !== undefined && terms.max_per_period !== null };
  };
}

/** Calls looked up per query. */
const LOOKUP_CHUNK = 1_000;

async function statesOf(source: RunCallSource, ids: string[]): Promise<Map<string, CallState>> {
  const states = new Map<string, CallState>();
  for (let start = 0; start < ids.length; start += LOOKUP_CHUNK) {
    for (const fact of await source.facts(ids.slice(start, start + LOOKUP_CHUNK))) states.set(fact.id, fact);
  }
  return states;
}
