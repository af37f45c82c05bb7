import { Decimal, formatAmount, formatMoney, minorUnitDigits, percent, type PayoutLine, type PayoutResult, type Role } from '@app/commission-engine';
import { decimalColumnToString } from '@app/persistence';
import { periodStart } from '../periods/period';
import { adjustmentLineKey, commissionLineKey, lineIdOf, statementIdOf } from './line-identity';
import { statementHash } from './statement-hash';

/**
 * The ledger of one run: what period P's draft statements must contain so
 * that, for every (call, role, payee), the lines in all statements add up to
 * what the call earns now — without touching a locked line. Pure: the run
 * reads its inputs, calls this, and writes the result in one transaction.
 *
 * Locked lines are the lines of approved and paid statements, and of draft
 * statements of other periods (pending payments already accounted for). The
 * draft statements of P are rebuilt from scratch.
 */

export type LineKind = 'commission' | 'adjustment' | 'manual' | 'carry_forward' | 'carried_in';
/** The kinds settled per (call, role, payee); the others (finance's entries, carried balances) are the statement's own. */
export const CALL_LINE_KINDS: readonly LineKind[] = ['commission', 'adjustment'];
export const LINE_KINDS: readonly LineKind[] = ['commission', 'adjustment', 'manual', 'carry_forward', 'carried_in'];
export type NegativeBalance = 'carry_forward' | 'allow';

/** Finance's own entry in a payee's draft (product.md "Manual adjustments"). */
export interface ManualEntry {
  id: string;
  payeeId: string;
  period: string;
  amount: string;
  category: string;
  reason: string;
  createdBy: string | null;
  createdAt: Date;
}

/** A carry_forward line of an approved or paid statement not yet carried into a later one. */
export interface OutstandingCarry {
  payeeId: string;
  lineId: string;
  statementId: string;
  period: string;
  /** What the carry_forward line added to bring its statement to zero (positive). */
  amount: string;
}
export type StatementStatus = 'draft' | 'approved' | 'paid';

/** A stored line that this run must not change. */
export interface LockedLine {
  id: string;
  lineKey: string;
  statementId: string;
  statementPeriod: string;
  callId: string;
  /** The period the call was paid in when the line was written. */
  callPeriod: string;
  payeeId: string;
  role: Role;
  kind: LineKind;
  baseAmount: string;
  amount: string;
  planId: string | null;
  /** An adjustment's original line; null on a commission line and on a late line (which has no original). */
  adjustsLineId: string | null;
}

/** A statement of the period being run, as it stands before the run. */
export interface PeriodStatementHead {
  id: string;
  payeeId: string;
  sequence: number;
  status: StatementStatus;
  version: number;
  hash: string;
}

/** What the run knows of a call the engine no longer pays. */
export interface CallState {
  id: string;
  period: string | null;
  commissionAt: Date | null;
  commissionable: boolean;
  reason: string | null;
  /** null: no change since the call and its payment were first stored. */
  earningsChangedAt: Date | null;
}

export interface LedgerInput {
  period: string;
  currency: string;
  clawbackWindowDays: number;
  /**
   * Periods before P with an approved or paid statement: a call of such a
   * period that has no line anywhere is paid late, in P (product.md
   * "Changes after approval").
   */
  closedPeriods: ReadonlySet<string>;
  /** When what each call earns last changed (paid calls and looked-up calls alike). */
  earningsChangedAt: ReadonlyMap<string, Date | null>;
  /**
   * How a plan's role terms let other calls move a line: tiers (marginal: the
   * calls before it; retroactive: every call of the period) or a period cap
   * (the calls before it). Null or unknown: a line depends on its own call only.
   */
  volumeTerms?: (planId: string, role: Role) => VolumeTerms | null;
  /** The engine's result over P and every period returned by periodsToRecompute (and the periods calls moved to). */
  paid: PayoutResult;
  lockedLines: readonly LockedLine[];
  periodStatements: readonly PeriodStatementHead[];
  /** Calls of settled keys the engine does not pay now (see callsToLookUp). */
  callStates: ReadonlyMap<string, CallState>;
  /** Finance's entries of P's drafts; they are written again exactly, on every rerun. */
  manualEntries?: readonly ManualEntry[];
  /** Carried balances waiting for a payee's next statement (earlier approved or paid statements). */
  outstandingCarries?: readonly OutstandingCarry[];
  /** NEGATIVE_BALANCE: carry_forward (default) brings a negative statement to zero and carries the rest. */
  negativeBalance?: NegativeBalance;
}

export interface StatementLineDraft {
  id: string;
  lineKey: string;
  /** Null on the statement's own lines (manual, carry_forward, carried_in). */
  callId: string | null;
  callPeriod: string | null;
  payeeId: string;
  role: Role | null;
  kind: LineKind;
  position: number;
  baseAmount: string | null;
  amount: string;
  planId: string | null;
  adjustsLineId: string | null;
  explanation: Record<string, unknown>;
}

export interface StatementDraft {
  id: string;
  payeeId: string;
  period: string;
  sequence: number;
  currency: string;
  commissionTotal: string;
  adjustmentTotal: string;
  total: string;
  version: number;
  hash: string;
  /** new: no draft had this id; changed: its lines are rewritten; unchanged: left as it is. */
  change: 'new' | 'changed' | 'unchanged';
  lines: StatementLineDraft[];
}

export interface ClawbackOutsideWindow {
  code: 'clawback_outside_window';
  message: string;
  call_id: string;
  payee_id: string;
  role: Role;
  amount: string;
  original_line_id: string;
  commission_date: string;
  /** The latest change behind the difference (refunded_at, or when the changed call or payment was first stored). */
  changed_at: string;
  window_days: number;
  [detail: string]: unknown;
}

export interface VolumeTerms {
  tiers: 'marginal' | 'retroactive' | null;
  periodCap: boolean;
}

export interface LedgerOutcome {
  statements: StatementDraft[];
  /** Drafts of P that no longer have any line. */
  deletedStatementIds: string[];
  warnings: ClawbackOutsideWindow[];
}

const DAY_MS = 86_400_000;

export function keyOf(line: { callId: string; role: Role; payeeId: string }): string {
  return commissionLineKey(line.callId, line.role, line.payeeId);
}

/** A written call line as the ledger locks it; null for the statement's own lines (manual, carried balances). */
export function lockedLineOf(line: StatementLineDraft, statement: { id: string; period: string }): LockedLine | null {
  if (!CALL_LINE_KINDS.includes(line.kind) || line.callId === null || line.callPeriod === null || line.role === null || line.baseAmount === null) return null;
  return {
    ...line,
    callId: line.callId,
    callPeriod: line.callPeriod,
    role: line.role,
    baseAmount: line.baseAmount,
    statementId: statement.id,
    statementPeriod: statement.period,
  };
}

/** P, every earlier period that holds a locked line, and every earlier closed period: the periods whose calls the run settles. */
export function periodsToRecompute(period: string, lockedLines: readonly LockedLine[], closedPeriods: ReadonlySet<string> = new Set()): string[] {
  const periods = new Set([period]);
  for (const line of lockedLines) if (line.callPeriod <= period) periods.add(line.callPeriod);
  for (const closed of closedPeriods) if (closed < period) periods.add(closed);
  return [...periods].sort();
}

/** Calls of settled keys that the engine result does not pay: the run looks up their state (reason, date, period). */
export function callsToLookUp(period: string, paid: PayoutResult, lockedLines: readonly LockedLine[]): string[] {
  const paidKeys = new Set(paid.lines.map(keyOf));
  const calls = new Set<string>();
  for (const line of lockedLines) if (line.callPeriod <= period && !paidKeys.has(keyOf(line))) calls.add(line.callId);
  return [...calls].sort();
}

interface LineSeed {
  key: string;
  callId: string;
  callPeriod: string;
  payeeId: string;
  role: Role;
  kind: LineKind;
  commissionAt: number;
  baseAmount: string;
  amount: Decimal;
  planId: string | null;
  /** The original line an adjustment points at (null for a late line, which has none). */
  adjustsLineId: string | null;
  /** What an adjustment's line key is built on: its original line, or for a late line the commission line it stands in for. */
  keyAnchor: string | null;
  explanation: Record<string, unknown>;
}

export function buildPeriodStatements(input: LedgerInput): LedgerOutcome {
  const { period, currency } = input;
  const digits = minorUnitDigits(currency);
  const money = (value: Decimal) => formatMoney(value, currency);
  const column = (text: string) => decimalColumnToString(new Decimal(text), digits);

  const paidByKey = new Map(input.paid.lines.map((line) => [keyOf(line), line]));
  const unplannedKeys = new Set(input.paid.unplanned.map(keyOf));
  const lockedByKey = new Map<string, LockedLine[]>();
  for (const line of input.lockedLines) {
    const key = keyOf(line);
    const list = lockedByKey.get(key);
    if (list) list.push(line);
    else lockedByKey.set(key, [line]);
  }

  // The keys this run settles: P's engine lines, the engine lines of earlier closed periods, and every key with a locked line of P or earlier.
  const keys = new Set<string>();
  for (const line of input.paid.lines) {
    if (line.period === period || (line.period < period && input.closedPeriods.has(line.period))) keys.add(keyOf(line));
  }
  for (const line of input.lockedLines) if (line.callPeriod <= period) keys.add(keyOf(line));

  const seeds: LineSeed[] = [];
  const warnings: ClawbackOutsideWindow[] = [];
  const windowMs = input.clawbackWindowDays * DAY_MS;
  const changes = changeBook(input);

  for (const key of [...keys].sort()) {
    const line = paidByKey.get(key);
    const locked = (lockedByKey.get(key) ?? []).slice().sort(byStatementThenId);
    if (locked.length === 0) {
      if (line && line.period === period) seeds.push(commissionSeed(line, key, column));
      else if (line && line.period < period && input.closedPeriods.has(line.period) && !new Decimal(line.amount).isZero()) {
        seeds.push(lateSeed(line, key, period, currency, column, money));
      }
      continue; // a new call of an earlier period still open: its own period's run pays it
    }
    const original = locked.find((entry) => entry.kind === 'commission') ?? null;
    const late = locked.find((entry) => entry.kind === 'adjustment' && entry.adjustsLineId === null) ?? null;
    const paidBefore = locked.reduce((sum, entry) => sum.plus(entry.amount), new Decimal(0));
    const state = input.callStates.get(locked[0].callId) ?? null;
    const commissionAt = line ? Date.parse(line.commissionAt) : (state?.commissionAt?.getTime() ?? periodStart((original ?? locked[0]).callPeriod).getTime());

    let target: Decimal;
    let adjustsLineId: string;
    if (!original && !late && line && line.period === period) {
      // The call's commission line belongs in P (P was reopened and is being rebuilt): pay it in full,
      // and offset what earlier adjustments already moved.
      seeds.push(commissionSeed(line, key, column));
      target = new Decimal(0);
      adjustsLineId = lineIdOf(key);
    } else {
      target = line ? new Decimal(line.amount) : new Decimal(0);
      adjustsLineId = original?.id ?? late?.id ?? lineIdOf(key);
    }
    const difference = target.minus(paidBefore);
    if (difference.isZero()) continue;

    const first = original ?? late ?? locked[0];
    if (difference.isNegative()) {
      // The window runs from the call's commission date to the latest change behind the difference,
      // never to the run's own clock: a rerun months later makes the same lines.
      const planId = line?.planId ?? original?.planId ?? late?.planId ?? null;
      const terms = planId === null ? null : (input.volumeTerms?.(planId, first.role) ?? null);
      const periods = line && line.period !== first.callPeriod ? [first.callPeriod, line.period] : [first.callPeriod];
      const changedAt = changes.behind(first.callId, first.payeeId, first.role, periods, commissionAt, terms);
      if (Number.isFinite(changedAt) && changedAt - commissionAt > windowMs) {
        warnings.push({
          code: 'clawback_outside_window',
          message:
            `Not clawed back: ${first.payeeId} (${first.role}) on call ${first.callId} should give back ${money(difference.neg())}, ` +
            `but the change behind it (${new Date(changedAt).toISOString()}) came more than ${input.clawbackWindowDays} days after the call's commission date (CLAWBACK_WINDOW_DAYS)`,
          call_id: first.callId,
          payee_id: first.payeeId,
          role: first.role,
          amount: money(difference),
          original_line_id: adjustsLineId,
          commission_date: new Date(commissionAt).toISOString(),
          changed_at: new Date(changedAt).toISOString(),
          window_days: input.clawbackWindowDays,
        });
        continue;
      }
    }
    const cause = causeOf(line, state, key, unplannedKeys, period);
    const nowEarns = line ? new Decimal(line.amount) : new Decimal(0);
    seeds.push({
      key,
      callId: first.callId,
      callPeriod: line?.period ?? first.callPeriod,
      payeeId: first.payeeId,
      role: first.role,
      kind: 'adjustment',
      commissionAt,
      baseAmount: column(line?.baseAmount ?? first.baseAmount),
      amount: difference,
      planId: line?.planId ?? original?.planId ?? late?.planId ?? null,
      adjustsLineId,
      keyAnchor: adjustsLineId,
      explanation: {
        kind: 'adjustment',
        call_id: first.callId,
        role: first.role,
        payee_id: first.payeeId,
        period,
        currency,
        original_line_id: adjustsLineId,
        paid_before: locked.map((entry) => ({
          line_id: entry.id,
          statement_id: entry.statementId,
          period: entry.statementPeriod,
          kind: entry.kind,
          amount: money(new Decimal(entry.amount)),
        })),
        previously_paid: money(paidBefore),
        now_earns: money(nowEarns),
        difference: money(difference),
        cause,
        call_reason: state?.reason ?? null,
        current: line ? line.explanation : null,
        sentence: adjustmentSentence(first, paidBefore, nowEarns, difference, cause, state, line, money),
      },
    });
  }

  return { ...assemble(input, seeds, money), warnings };
}

function groupKey(payeeId: string, role: Role, period: string): string {
  return `${payeeId}|${role}|${period}`;
}

interface GroupMember {
  callId: string;
  at: number;
  changedAt: number;
}

/**
 * The calls of each (payee, role, period) with their commission instants and
 * change times, over the calls the engine pays now and the calls of locked
 * lines, and the rule that picks the change behind a difference (product.md
 * "Clawback window"): the call's own latest change, or another call's that
 * can move this line (tiers or a period cap read the calls before it,
 * retroactive tiers every call of the period). A change to an unrelated call
 * never delays a clawback.
 */
function changeBook(input: LedgerInput) {
  const groups = new Map<string, Map<string, GroupMember>>();
  const changeOf = (callId: string) =>
    (input.earningsChangedAt.get(callId) ?? input.callStates.get(callId)?.earningsChangedAt ?? null)?.getTime() ?? Number.NEGATIVE_INFINITY;
  const note = (payeeId: string, role: Role, period: string, callId: string, at: number | null) => {
    const group = groupKey(payeeId, role, period);
    let members = groups.get(group);
    if (!members) groups.set(group, (members = new Map<string, GroupMember>()));
    if (!members.has(callId)) members.set(callId, { callId, at: at ?? Number.POSITIVE_INFINITY, changedAt: changeOf(callId) });
  };
  for (const line of input.paid.lines) note(line.payeeId, line.role, line.period, line.callId, Date.parse(line.commissionAt));
  for (const line of input.lockedLines)
    note(line.payeeId, line.role, line.callPeriod, line.callId, input.callStates.get(line.callId)?.commissionAt?.getTime() ?? null);

  return {
    behind(callId: string, payeeId: string, role: Role, periods: string[], commissionAt: number, terms: VolumeTerms | null): number {
      let latest = changeOf(callId);
      const readsOthers = terms !== null && (terms.tiers !== null || terms.periodCap);
      if (!readsOthers) return latest;
      const everyCall = terms.tiers === 'retroactive';
      for (const period of periods) {
        for (const member of groups.get(groupKey(payeeId, role, period))?.values() ?? []) {
          const before = member.at < commissionAt || (member.at === commissionAt && member.callId <= callId);
          if ((everyCall || before) && member.changedAt > latest) latest = member.changedAt;
        }
      }
      return latest;
    },
  };
}

/**
 * A call of a closed earlier period that has no line anywhere (its payment
 * succeeded late, or it first became commissionable after its period was
 * approved): paid in full now, as an adjustment that points at no line.
 */
function lateSeed(
  line: PayoutLine,
  key: string,
  period: string,
  currency: string,
  column: (text: string) => string,
  money: (value: Decimal) => string,
): LineSeed {
  const role = line.role === 'closer' ? 'Closer' : 'Setter';
  return {
    key,
    callId: line.callId,
    callPeriod: line.period,
    payeeId: line.payeeId,
    role: line.role,
    kind: 'adjustment',
    commissionAt: Date.parse(line.commissionAt),
    baseAmount: column(line.baseAmount),
    amount: new Decimal(line.amount),
    planId: line.planId,
    adjustsLineId: null,
    keyAnchor: lineIdOf(key),
    explanation: {
      kind: 'adjustment',
      call_id: line.callId,
      role: line.role,
      payee_id: line.payeeId,
      period,
      currency,
      original_line_id: null,
      paid_before: [],
      previously_paid: money(new Decimal(0)),
      now_earns: line.amount,
      difference: line.amount,
      cause: 'late',
      call_reason: null,
      current: line.explanation,
      sentence:
        `${role} late payment for ${line.payeeId} on call ${line.callId}: the call belongs to ${line.period}, which was already approved, ` +
        `and first earned after that (its payment arrived late, or it became commissionable since); it earns ${money(new Decimal(line.amount))} ` +
        `under plan '${line.planName}', paid now.`,
    },
  };
}

function commissionSeed(line: PayoutLine, key: string, column: (text: string) => string): LineSeed {
  return {
    key,
    callId: line.callId,
    callPeriod: line.period,
    payeeId: line.payeeId,
    role: line.role,
    kind: 'commission',
    commissionAt: Date.parse(line.commissionAt),
    baseAmount: column(line.baseAmount),
    amount: new Decimal(line.amount),
    planId: line.planId,
    adjustsLineId: null,
    keyAnchor: null,
    explanation: line.explanation as unknown as Record<string, unknown>,
  };
}

type Cause = 'recomputed' | 'not_commissionable' | 'no_plan' | 'moved_period' | 'not_credited' | 'call_missing' | 'late';

function causeOf(line: PayoutLine | undefined, state: CallState | null, key: string, unplanned: Set<string>, period: string): Cause {
  if (line) return 'recomputed';
  if (!state) return 'call_missing';
  if (!state.commissionable) return 'not_commissionable';
  if (unplanned.has(key)) return 'no_plan';
  if (state.period !== null && state.period > period) return 'moved_period';
  return 'not_credited';
}

function adjustmentSentence(
  first: LockedLine,
  paidBefore: Decimal,
  nowEarns: Decimal,
  difference: Decimal,
  cause: Cause,
  state: CallState | null,
  line: PayoutLine | undefined,
  money: (value: Decimal) => string,
): string {
  const role = first.role === 'closer' ? 'Closer' : 'Setter';
  const why: Record<Cause, string> = {
    recomputed: `it now earns ${money(nowEarns)} under plan '${line?.planName ?? ''}'${refundPhrase(line)}`,
    not_commissionable: `it is no longer commissionable (${state?.reason ?? 'unknown reason'}), so it now earns 0`,
    no_plan: 'no plan pays it any more, so it now earns 0',
    moved_period: `its commission date moved to ${state?.period ?? 'a later period'}, which this run does not pay, so it earns 0 here`,
    not_credited: `${first.payeeId} is no longer its ${first.role}, so it now earns 0`,
    call_missing: 'the call is no longer stored, so it now earns 0',
    late: 'it was paid late',
  };
  const verb = difference.isNegative() ? `${money(difference.neg())} is clawed back` : `${money(difference)} is added`;
  return `${role} adjustment for ${first.payeeId} on call ${first.callId}: ${money(paidBefore)} was already paid in locked statements; ${why[cause]}; ${verb}.`;
}

/** ", on a base of 756.00 (1,080.00 less the 30% of its payment refunded)" when a refund cut the base. */
function refundPhrase(line: PayoutLine | undefined): string {
  const refund = line?.explanation.refund;
  if (!refund) return '';
  const digits = line.explanation.rounding.minor_unit_digits;
  return `, on a base of ${formatAmount(refund.effective_base, digits)} (${formatAmount(refund.gross_base, digits)} less the ${percent(refund.refunded_share)} of its payment refunded)`;
}

function assemble(input: LedgerInput, seeds: LineSeed[], money: (value: Decimal) => string): Omit<LedgerOutcome, 'warnings'> {
  const { period, currency } = input;
  const byPayee = new Map<string, LineSeed[]>();
  for (const seed of seeds) {
    const list = byPayee.get(seed.payeeId);
    if (list) list.push(seed);
    else byPayee.set(seed.payeeId, [seed]);
  }
  const manualByPayee = new Map<string, ManualEntry[]>();
  for (const entry of input.manualEntries ?? []) manualByPayee.set(entry.payeeId, [...(manualByPayee.get(entry.payeeId) ?? []), entry]);
  const carriesByPayee = new Map<string, OutstandingCarry[]>();
  for (const carry of input.outstandingCarries ?? [])
    if (carry.period < period) carriesByPayee.set(carry.payeeId, [...(carriesByPayee.get(carry.payeeId) ?? []), carry]);
  const headsById = new Map(input.periodStatements.map((head) => [head.id, head]));
  const statements: StatementDraft[] = [];

  for (const payeeId of [...new Set([...byPayee.keys(), ...manualByPayee.keys()])].sort()) {
    const locked = input.periodStatements.filter((head) => head.payeeId === payeeId && head.status !== 'draft');
    const sequence = locked.length === 0 ? 1 : Math.max(...locked.map((head) => head.sequence)) + 1;
    const id = statementIdOf(payeeId, period, sequence);
    const callLines = (byPayee.get(payeeId) ?? []).sort(byPosition).map((seed): StatementLineDraft => {
      const lineKey = seed.kind === 'commission' ? seed.key : adjustmentLineKey(seed.keyAnchor!, id);
      return {
        id: lineIdOf(lineKey),
        lineKey,
        callId: seed.callId,
        callPeriod: seed.callPeriod,
        payeeId,
        role: seed.role,
        kind: seed.kind,
        position: 0,
        baseAmount: seed.baseAmount,
        amount: money(seed.amount),
        planId: seed.planId,
        adjustsLineId: seed.adjustsLineId,
        explanation: seed.explanation,
      };
    });
    statements.push(
      finishStatement({
        id,
        payeeId,
        period,
        sequence,
        currency,
        callLines,
        manualEntries: manualByPayee.get(payeeId) ?? [],
        outstandingCarries: carriesByPayee.get(payeeId) ?? [],
        negativeBalance: input.negativeBalance ?? 'carry_forward',
        previous: headsById.get(id) ?? null,
      }),
    );
  }
  const kept = new Set(statements.map((statement) => statement.id));
  const deletedStatementIds = input.periodStatements.filter((head) => head.status === 'draft' && !kept.has(head.id)).map((head) => head.id);
  return { statements, deletedStatementIds };
}

export interface StatementParts {
  id: string;
  payeeId: string;
  period: string;
  sequence: number;
  currency: string;
  /** The call lines, in order (the run's, or a draft's as stored). */
  callLines: readonly StatementLineDraft[];
  manualEntries: readonly ManualEntry[];
  outstandingCarries: readonly OutstandingCarry[];
  negativeBalance: NegativeBalance;
  previous: Pick<PeriodStatementHead, 'hash' | 'version'> | null;
}

/**
 * A statement from its parts, the one way both a run and an adjustment build
 * one: the call lines, then finance's entries (oldest first), then the
 * balances carried in from earlier statements; then, when the lines sum
 * below zero under NEGATIVE_BALANCE=carry_forward, a carry_forward line that
 * brings the total to 0.00 and names the carried_in line that will take it
 * into the payee's next statement. Totals are sums of rounded lines:
 * commission lines in commission_total, every other line in
 * adjustment_total.
 */
export function finishStatement(parts: StatementParts): StatementDraft {
  const { id, payeeId, period, currency } = parts;
  const money = (value: Decimal) => formatMoney(value, currency);
  const lines: StatementLineDraft[] = [...parts.callLines];
  const ownLine = (
    lineKey: string,
    kind: LineKind,
    amount: Decimal,
    adjustsLineId: string | null,
    explanation: Record<string, unknown>,
  ): StatementLineDraft => ({
    id: lineIdOf(lineKey),
    lineKey,
    callId: null,
    callPeriod: null,
    payeeId,
    role: null,
    kind,
    position: 0,
    baseAmount: null,
    amount: money(amount),
    planId: null,
    adjustsLineId,
    explanation,
  });
  for (const entry of [...parts.manualEntries].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || compareText(a.id, b.id))) {
    const amount = new Decimal(entry.amount);
    lines.push(
      ownLine(`manual:${entry.id}`, 'manual', amount, null, {
        kind: 'manual',
        adjustment_id: entry.id,
        category: entry.category,
        reason: entry.reason,
        created_by: entry.createdBy,
        created_at: entry.createdAt.toISOString(),
        sentence: `${CATEGORY_NAMES[entry.category] ?? entry.category} for ${payeeId} of ${money(amount)}, added by finance: ${entry.reason}`,
      }),
    );
  }
  if (lines.length > 0) {
    for (const carry of [...parts.outstandingCarries].sort((a, b) => compareText(a.period, b.period) || compareText(a.lineId, b.lineId))) {
      const amount = new Decimal(carry.amount).neg();
      lines.push(
        ownLine(carriedInKey(carry.lineId), 'carried_in', amount, carry.lineId, {
          kind: 'carried_in',
          from_statement_id: carry.statementId,
          from_period: carry.period,
          carry_forward_line_id: carry.lineId,
          sentence: `Balance carried in from ${carry.period}: that statement ended ${money(amount.neg())} below zero, which is recovered here.`,
        }),
      );
    }
    const sum = lines.reduce((total, line) => total.plus(line.amount), new Decimal(0));
    if (parts.negativeBalance === 'carry_forward' && sum.isNegative()) {
      const key = `carry_forward:${id}`;
      lines.push(
        ownLine(key, 'carry_forward', sum.neg(), lineIdOf(carriedInKey(lineIdOf(key))), {
          kind: 'carry_forward',
          balance: money(sum),
          sentence: `The lines of this statement sum to ${money(sum)}; payroll is never sent a negative total, so ${money(sum.neg())} brings it to 0.00 and ${money(sum)} is carried to ${payeeId}'s next statement.`,
        }),
      );
    }
  }
  lines.forEach((line, position) => (line.position = position));
  let commissionTotal = new Decimal(0);
  let adjustmentTotal = new Decimal(0);
  for (const line of lines) {
    if (line.kind === 'commission') commissionTotal = commissionTotal.plus(line.amount);
    else adjustmentTotal = adjustmentTotal.plus(line.amount);
  }
  const hash = statementHash({ currency, payeeId, period }, lines);
  const previous = parts.previous;
  const change = !previous ? 'new' : previous.hash === hash ? 'unchanged' : 'changed';
  return {
    id,
    payeeId,
    period,
    sequence: parts.sequence,
    currency,
    commissionTotal: money(commissionTotal),
    adjustmentTotal: money(adjustmentTotal),
    total: money(commissionTotal.plus(adjustmentTotal)),
    version: !previous ? 1 : change === 'unchanged' ? previous.version : previous.version + 1,
    hash,
    change,
    lines,
  };
}

/** The one carried_in line a carry_forward line can ever have (line keys are unique: a balance is recovered once). */
export function carriedInKey(carryForwardLineId: string): string {
  return `carried_in:${carryForwardLineId}`;
}

const CATEGORY_NAMES: Record<string, string> = { bonus: 'Bonus', spiff: 'SPIFF', correction: 'Correction', draw: 'Draw' };

function byPosition(a: LineSeed, b: LineSeed): number {
  return (
    a.commissionAt - b.commissionAt ||
    compareText(a.callId, b.callId) ||
    compareText(a.role, b.role) ||
    KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
    compareText(a.key, b.key)
  );
}

const KIND_ORDER: Record<LineKind, number> = { commission: 0, adjustment: 1, manual: 2, carried_in: 3, carry_forward: 4 };

function byStatementThenId(a: LockedLine, b: LockedLine): number {
  return compareText(a.statementPeriod, b.statementPeriod) || compareText(a.id, b.id);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
