import { computePayouts, Decimal, type CommissionCall, type PayoutResult, type Plan, type Role, type RoundingMode } from '@app/commission-engine';
import {
  buildPeriodStatements,
  callsToLookUp,
  CallState,
  keyOf,
  LedgerOutcome,
  LockedLine,
  ManualEntry,
  NegativeBalance,
  OutstandingCarry,
  PeriodStatementHead,
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
  /**
   * The locked lines (approved and paid statements, drafts of other periods)
   * of every call with a line in one of `periods`, and of every call in
   * `callIds`, wherever those lines sit.
   */
  lockedLines: (periods: readonly string[], callIds: readonly string[]) => Promise<LockedLine[]>;
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
  /** Every period computed, sorted: the ones asked for and the ones they drew in. */
  periods: string[];
  /** Periods drawn in beyond the ones asked for: a call of a computed period has lines there, or moved there. */
  drawnIn: string[];
  /** Computed periods where a difference was left unsettled (a clawback outside the window). */
  unsettled: Set<string>;
  calls: CommissionCall[];
  paid: PayoutResult;
}

/**
 * The compute half of a run (read a snapshot, compute purely, then write):
 * pay P and the earlier periods asked for (recompute-plan.ts), drawing in
 * every period where a call of theirs has lines or has moved to, and settle
 * the ledger. Asked for every candidate, this is the full recompute.
 */
export async function computeRun(
  period: string,
  asked: readonly string[],
  snapshot: RunSnapshot,
  plans: Plan[],
  settings: RunSettings,
  source: RunCallSource,
): Promise<RunComputation> {
  const pay = (calls: CommissionCall[]) => computePayouts({ calls, plans, currency: settings.currency, roundingMode: settings.roundingMode });
  const periods = new Set([period, ...asked]);
  const drawnIn = new Set<string>();
  const draw = (more: Iterable<string>) => {
    let grew = false;
    for (const extra of more) {
      if (extra <= period && !periods.has(extra)) {
        periods.add(extra);
        drawnIn.add(extra);
        grew = true;
      }
    }
    return grew;
  };
  /**
   * The calls of the computed periods and every locked line of theirs, or
   * with a line in those periods: the set of periods grows until every such
   * call's lines sit in it (a call that moved is settled with all its lines).
   */
  const computeOnce = async () => {
    for (;;) {
      const read = await source.forRun([...periods].sort());
      const locked = await snapshot.lockedLines(
        [...periods].sort(),
        read.calls.map((call) => call.id),
      );
      if (draw(locked.map((line) => line.callPeriod))) continue;
      const paid = pay(read.calls);
      const states = await statesOf(source, callsToLookUp(period, paid, locked));
      return { locked, read, paid, states };
    }
  };
  let round = await computeOnce();
  // Calls settled here that belong to a period not computed yet (they moved): compute it too, until none is left.
  while (draw([...round.states.values()].map((state) => (state.commissionable ? state.period : null)).filter((moved): moved is string => moved !== null))) {
    round = await computeOnce();
  }
  const { locked, read, paid, states } = round;
  const outcome = buildPeriodStatements({
    period,
    currency: settings.currency,
    clawbackWindowDays: settings.clawbackWindowDays,
    closedPeriods: snapshot.closedPeriods,
    earningsChangedAt: read.earningsChangedAt,
    paid,
    lockedLines: locked,
    periodStatements: snapshot.periodStatements,
    callStates: states,
    volumeTerms: volumeTermsOf(plans),
    manualEntries: snapshot.manualEntries ?? [],
    outstandingCarries: snapshot.outstandingCarries ?? [],
    negativeBalance: settings.negativeBalance ?? 'carry_forward',
  });
  return {
    outcome,
    periods: [...periods].sort(),
    drawnIn: [...drawnIn].sort(),
    unsettled: unsettledPeriods(period, outcome, locked, paid, states, snapshot.closedPeriods),
    calls: read.calls,
    paid,
  };
}

/**
 * Computed periods whose result is not final: those holding the lines of a
 * call a warning names (the difference stays open); earlier periods still
 * open whose new calls the ledger leaves to their own period's run (if that
 * period is approved without one, a later run must pay them late); and
 * those holding lines of a call that moved past P.
 */
function unsettledPeriods(
  period: string,
  outcome: LedgerOutcome,
  locked: readonly LockedLine[],
  paid: PayoutResult,
  states: ReadonlyMap<string, CallState>,
  closed: ReadonlySet<string>,
): Set<string> {
  const warned = new Set(outcome.warnings.map((warning) => warning.call_id));
  const periods = new Set<string>();
  for (const line of locked) if (warned.has(line.callId)) periods.add(line.callPeriod);
  for (const line of paid.lines) if (warned.has(line.callId)) periods.add(line.period);
  const lockedKeys = new Set(locked.map(keyOf));
  for (const line of paid.lines) {
    if (line.period < period && !closed.has(line.period) && !lockedKeys.has(keyOf(line)) && !new Decimal(line.amount).isZero()) periods.add(line.period);
  }
  // A call with lines here that now belongs to a period after P: a later run settles it there.
  const ahead = new Set(
    [...states.values()].filter((state) => state.commissionable && state.period !== null && state.period > period).map((state) => state.id),
  );
  for (const line of locked) if (ahead.has(line.callId)) periods.add(line.callPeriod);
  return periods;
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
