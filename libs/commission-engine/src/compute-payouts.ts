import type { CommissionCall } from './commission-call';
import { compilePlans, type CompiledPlan, type CompiledTerms } from './compiled-plan';
import { EngineInputError, type EngineInputProblem } from './engine-input-error';
import { explainLine } from './explanation';
import { Decimal, ROUNDING_MODES, ZERO, isDecimalString, moneyRounding, plainDecimal, type MoneyRounding, type RoundingMode } from './money';
import type { Plan, Role } from './plan-definition';
import { PlanSelector } from './plan-selection';
import { isCalendarDate } from './plan-validation';
import type { CapApplied, Explanation, PayoutLine, PayoutResult, UnplannedPayout } from './payout-result';
import { firstMatchingRule } from './rule-matching';
import { tieredRatePart } from './tiers';
import { StringSet, fastInstant, fastMoneyDecimals } from './fast-parse';
import { MAX_SAFE, MAX_SCALE, fractionLength, powerOfTen, toScaled } from './scaled-integer';
import { payGroupScaled, prepareScaledRun } from './scaled-payouts';
import { VolumeCursor } from './volume-cursor';

export interface ComputePayoutsInput {
  calls: readonly CommissionCall[];
  plans: readonly Plan[];
  currency: string;
  roundingMode: RoundingMode;
  /**
   * 'auto' (default): scaled integers wherever a bound check proves them
   * exact, decimal.js elsewhere, explanations built when read. 'decimal':
   * decimal.js for every line, explanations built at once: the reference the
   * fast path is checked and benchmarked against. Both give equal results.
   */
  arithmetic?: 'auto' | 'decimal';
}

/** A call checked and parsed once. */
export interface ParsedCall {
  call: CommissionCall;
  /** Epoch milliseconds of commissionAt: the commission order, then call id. */
  at: number;
  /** The base as decimal.js has it: made when the decimal path first needs it. */
  base: Decimal | null;
  /** The base's digits read as one integer, its point ignored ("1234.56" → 123456), and how many are decimals; -1 when the scaled path cannot take it. */
  digits: number;
  decimals: number;
  setterId: string | null;
}

/** A (call, role, payee) the payee's volume counts; plan null when nothing pays it. */
export interface Entry {
  parsed: ParsedCall;
  /** parsed.call, held here too: the scaled path reads the call and never its parsed form. */
  call: CommissionCall;
  plan: CompiledPlan | null;
  creditedAs: 'self_set' | 'missing_setter' | undefined;
  /** The base in units of 10^-(the run's most base decimals) for the scaled path, or -1 where it does not fit. */
  units: number;
}

/** One payee's calls in one role and period, in commission order (product.md, order of work 1). */
export interface VolumeGroup {
  period: string;
  payeeId: string;
  role: Role;
  entries: Entry[];
  /** Sum of the entries' units (the scaled path's volume), or -1 once one of them does not fit. */
  units: number;
}

export interface RunSettings {
  currency: string;
  money: MoneyRounding;
}

/**
 * Every payout line the calls earn under the plans, each with its
 * explanation, plus the (call, role, payee) no plan covers. Pure and
 * deterministic: the same calls and plans in any order give the same result.
 * Throws EngineInputError, listing every problem, when a plan or call is not
 * usable.
 */
export function computePayouts(input: ComputePayoutsInput): PayoutResult {
  const lines: PayoutLine[] = [];
  const unplanned: UnplannedPayout[] = [];
  forEachPayout(input, { line: (line) => lines.push(line), unplanned: (item) => unplanned.push(item) });
  return { lines, unplanned };
}

export interface PayoutVisitor {
  line(line: PayoutLine): void;
  unplanned?(item: UnplannedPayout): void;
}

/**
 * computePayouts without holding the result: hands each line (and each
 * unplanned item) to `visitor` in the same order, as soon as it is final, so
 * that a very large run can write lines in batches. Input is checked in full
 * before the first line is handed over.
 */
export function forEachPayout(input: ComputePayoutsInput, visitor: PayoutVisitor): void {
  const settings = readSettings(input);
  const plans = compilePlans(input.plans);
  const selector = new PlanSelector([...plans.values()], (compiled) => compiled.plan);
  const { calls, baseScale } = parseCalls(input.calls, input.arithmetic !== 'decimal');
  const scaled = input.arithmetic === 'decimal' ? null : prepareScaledRun(plans.values(), baseScale, settings);

  // Groups by period, then payee; each holds that payee's closer and setter groups.
  const groups = new Map<string, Map<string, Partial<Record<Role, VolumeGroup>>>>();
  const ordered: VolumeGroup[] = [];
  const addEntry = (parsed: ParsedCall, role: Role, payeeId: string, plan: CompiledPlan | null, creditedAs?: Entry['creditedAs']) => {
    const { period } = parsed.call;
    let byPayee = groups.get(period);
    if (byPayee === undefined) {
      byPayee = new Map();
      groups.set(period, byPayee);
    }
    let byRole = byPayee.get(payeeId);
    if (byRole === undefined) {
      byRole = {};
      byPayee.set(payeeId, byRole);
    }
    let group = byRole[role];
    if (group === undefined) {
      group = { period, payeeId, role, entries: [], units: 0 };
      byRole[role] = group;
      ordered.push(group);
    }
    const atBaseScale = parsed.digits < 0 || baseScale > MAX_SCALE ? -1 : parsed.digits * powerOfTen(baseScale - parsed.decimals);
    const units = atBaseScale <= MAX_SAFE ? atBaseScale : -1;
    group.entries.push({ parsed, call: parsed.call, plan, creditedAs, units });
    if (group.units >= 0) group.units = units < 0 ? -1 : group.units + units;
  };

  for (const parsed of calls) {
    const { closerId, commissionDay: day } = parsed.call;
    addEntry(parsed, 'closer', closerId, selector.select('closer', closerId, day));
    if (parsed.setterId !== null && parsed.setterId !== closerId) {
      addEntry(parsed, 'setter', parsed.setterId, selector.select('setter', parsed.setterId, day));
      continue;
    }
    // Self-set call, or no setter: the plan that would pay the closer as setter decides (order of work 5).
    const setterPlan = selector.select('setter', closerId, day);
    if (setterPlan === null) continue;
    if (parsed.setterId === null && setterPlan.plan.missing_setter === 'closer') {
      addEntry(parsed, 'setter', closerId, setterPlan, 'missing_setter');
    } else if (parsed.setterId !== null && setterPlan.plan.self_set === 'both') {
      addEntry(parsed, 'setter', closerId, setterPlan, 'self_set');
    }
  }

  ordered.sort((a, b) => compareText(a.period, b.period) || compareText(a.payeeId, b.payeeId) || compareText(a.role, b.role));
  for (const group of ordered) {
    if (scaled === null || !payGroupScaled(group, scaled, visitor)) payGroup(group, settings, visitor);
    // Let a large run's parsed calls go as soon as their groups are paid.
    group.entries = [];
  }
}

/** Walks one payee's (role, period) calls in commission order: tier volume and the period cap run along. */
function payGroup(group: VolumeGroup, settings: RunSettings, visitor: PayoutVisitor): void {
  const { entries, role } = group;
  // Amount volume is summed only when a plan in the group has amount tiers.
  let amountTiers = false;
  let retroactiveAmountTiers = false;
  for (const entry of entries) {
    const tiers = entry.plan?.terms[role]?.tiers;
    if (tiers?.basis === 'amount') {
      amountTiers = true;
      if (tiers.mode === 'retroactive') retroactiveAmountTiers = true;
    }
  }
  let amountTotal: Decimal = ZERO;
  if (retroactiveAmountTiers) for (const entry of entries) amountTotal = amountTotal.plus(decimalBase(entry.parsed));
  const volume = new VolumeCursor(amountTotal, entries.length, decimalBase(entries[0].parsed), amountTiers);
  let paid: Decimal = ZERO;

  for (let index = 0; index < entries.length; index++) {
    const entry = entries[index];
    if (index > 0) volume.advance(decimalBase(entry.parsed));
    if (entry.plan === null) {
      visitor.unplanned?.({ callId: entry.parsed.call.id, role, payeeId: group.payeeId, period: group.period });
      continue;
    }
    const line = payLine(entry, entry.plan, group, volume, paid, settings);
    visitor.line(line.line);
    paid = line.paidAfter;
  }
}

/** One line: rate part + flat, per-call caps, rounding, then the period cap (order of work 2–4). */
function payLine(
  entry: Entry,
  plan: CompiledPlan,
  group: VolumeGroup,
  volume: VolumeCursor,
  paidBefore: Decimal,
  settings: RunSettings,
): { line: PayoutLine; paidAfter: Decimal } {
  const { call } = entry.parsed;
  const base = decimalBase(entry.parsed);
  const terms: CompiledTerms = plan.terms[group.role]!;
  const rule = firstMatchingRule(terms.rules, call.attributes ?? {});

  let rateAmount: Decimal;
  let rateAmountText: string;
  let rateSource: Explanation['rate_source'];
  let rateText: string | null;
  let tiers: Explanation['tiers'];
  if (rule !== null && rule.rate !== null) {
    rateAmount = base.times(rule.rate);
    rateAmountText = plainDecimal(rateAmount);
    rateSource = 'rule';
    rateText = rule.rateText;
  } else if (terms.tiers !== null) {
    const tiered = tieredRatePart(terms.tiers, base, call.baseAmount, volume);
    rateAmount = tiered.amount;
    rateAmountText = tiered.amountText;
    rateSource = 'tiers';
    rateText = tiered.rateText;
    tiers = tiered.explanation;
  } else {
    rateAmount = base.times(terms.rate);
    rateAmountText = plainDecimal(rateAmount);
    rateSource = 'role_rate';
    rateText = terms.rateText;
  }
  const ruleFlat = rule !== null && rule.flat !== null;
  const flat = ruleFlat ? rule.flat! : terms.flat;
  const unrounded = flat.isZero() ? rateAmount : rateAmount.plus(flat);
  const unroundedText = unrounded === rateAmount ? rateAmountText : plainDecimal(unrounded);

  let caps: readonly CapApplied[] = NO_CAPS;
  let clamped = unrounded;
  let clampedText = unroundedText;
  if (terms.minPerCall !== null && clamped.lt(terms.minPerCall.value)) {
    const after = plainDecimal(terms.minPerCall.value);
    caps = [...caps, { cap: 'min_per_call', limit: terms.minPerCall.text, before: clampedText, after }];
    clamped = terms.minPerCall.value;
    clampedText = after;
  }
  if (terms.maxPerCall !== null && clamped.gt(terms.maxPerCall.value)) {
    const after = plainDecimal(terms.maxPerCall.value);
    caps = [...caps, { cap: 'max_per_call', limit: terms.maxPerCall.text, before: clampedText, after }];
    clamped = terms.maxPerCall.value;
    clampedText = after;
  }
  const { money } = settings;
  const rounded = money.round(clamped);
  const roundedText = money.format(rounded);

  // max_per_period: running total of rounded lines; a line never goes below 0 nor
  // takes the total over the limit (what is left is cut down to the minor unit).
  let amountText = roundedText;
  let paidAfter = rounded.isZero() ? paidBefore : paidBefore.plus(rounded);
  if (terms.maxPerPeriod !== null && paidAfter.gt(terms.maxPerPeriod.value)) {
    const room = terms.maxPerPeriod.value.minus(paidBefore);
    const allowed = room.isNegative() ? ZERO : money.cutDown(room);
    if (allowed.lt(rounded)) {
      amountText = money.format(allowed);
      paidAfter = paidBefore.plus(allowed);
      caps = [
        ...caps,
        {
          cap: 'max_per_period',
          limit: terms.maxPerPeriod.text,
          before: roundedText,
          after: amountText,
          period_paid_before: money.format(paidBefore),
        },
      ];
    }
  }

  const explanation = explainLine({
    plan: plan.reference,
    role: group.role,
    payeeId: group.payeeId,
    call,
    period: group.period,
    currency: settings.currency,
    creditedAs: entry.creditedAs,
    rateSource,
    rule: rule === null ? null : rule.explanation,
    rateText,
    tiers,
    rateAmountText,
    flatText: ruleFlat ? rule.flatText! : terms.flatText,
    flatFromRule: ruleFlat,
    unroundedText,
    caps,
    rounding: { mode: money.mode, minor_unit_digits: money.digits, unrounded: clampedText, rounded: roundedText },
    amountText,
  });

  return {
    paidAfter,
    line: {
      callId: call.id,
      payeeId: group.payeeId,
      role: group.role,
      planId: plan.reference.id,
      planName: plan.reference.name,
      period: group.period,
      commissionAt: call.commissionAt,
      baseAmount: call.baseAmount,
      amount: amountText,
      explanation,
    },
  };
}

function readSettings(input: ComputePayoutsInput): RunSettings {
  const problems: EngineInputProblem[] = [];
  let money: MoneyRounding | null = null;
  if (!(ROUNDING_MODES as readonly string[]).includes(input.roundingMode)) {
    problems.push({ source: 'input', id: null, field: 'roundingMode', message: `must be one of ${ROUNDING_MODES.join(', ')}` });
  } else {
    try {
      money = moneyRounding(input.currency, input.roundingMode);
    } catch (error) {
      problems.push({ source: 'input', id: null, field: 'currency', message: (error as Error).message });
    }
  }
  if (!Array.isArray(input.calls)) problems.push({ source: 'input', id: null, field: 'calls', message: 'must be a list of calls' });
  if (!Array.isArray(input.plans)) problems.push({ source: 'input', id: null, field: 'plans', message: 'must be a list of plans' });
  if (problems.length > 0 || money === null) throw new EngineInputError(problems);
  return { currency: input.currency, money };
}

const MAX_REPORTED_PROBLEMS = 100;
/** An instant, not a wall-clock time: the offset (Z or ±hh:mm) is required. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
/** Most lines meet no cap: they share one frozen empty list. */
const NO_CAPS: readonly CapApplied[] = Object.freeze([]);

function decimalBase(parsed: ParsedCall): Decimal {
  return (parsed.base ??= new Decimal(parsed.call.baseAmount));
}

/**
 * Checks every call, then sorts them by commission instant, then call id.
 * With `scaled`, also gives each its base in units of the calls' common
 * scale (baseScale: the most decimals any base has).
 */
function parseCalls(calls: readonly CommissionCall[], scaled: boolean): { calls: ParsedCall[]; baseScale: number } {
  const problems: EngineInputProblem[] = [];
  const report = (id: string | null, field: string, message: string) => {
    if (problems.length < MAX_REPORTED_PROBLEMS) problems.push({ source: 'call', id, field, message });
  };
  const seen = new StringSet(calls.length);
  // A run has few distinct days and periods: each is checked once.
  const knownDays = new CheckedValues(isCalendarDate);
  const knownPeriods = new CheckedValues((period) => /^\d{4}-(0[1-9]|1[0-2])$/.test(period) && period >= '0001');
  const parsed = new Array<ParsedCall>(calls.length);
  let count = 0;
  let baseScale = 0;

  for (const call of calls) {
    if (typeof call !== 'object' || call === null) {
      report(null, '', 'a call must be an object');
      continue;
    }
    const id = typeof call.id === 'string' && call.id.length > 0 ? call.id : null;
    if (id === null) report(null, 'id', 'every call needs a non-empty string id');
    else if (!seen.add(id)) report(id, 'id', 'two calls share this id');

    if (typeof call.closerId !== 'string' || call.closerId.length === 0) report(id, 'closerId', 'must be a non-empty string');
    const setterId = call.setterId === null || call.setterId === undefined || call.setterId === '' ? null : call.setterId;
    if (setterId !== null && typeof setterId !== 'string') report(id, 'setterId', 'must be a string or null');

    const baseDecimals = typeof call.baseAmount === 'string' ? fastMoneyDecimals(call.baseAmount) : -1;
    const baseOk = baseDecimals >= 0 || (isDecimalString(call.baseAmount) && !call.baseAmount.startsWith('-'));
    if (baseOk) baseScale = Math.max(baseScale, baseDecimals >= 0 ? baseDecimals : fractionLength(call.baseAmount));
    else report(id, 'baseAmount', `must be a decimal string of 0 or more such as "5000.00" (got ${JSON.stringify(call.baseAmount)})`);

    let at = typeof call.commissionAt === 'string' ? fastInstant(call.commissionAt) : NaN;
    if (Number.isNaN(at)) at = typeof call.commissionAt === 'string' && ISO_INSTANT.test(call.commissionAt) ? Date.parse(call.commissionAt) : NaN;
    if (Number.isNaN(at)) {
      report(id, 'commissionAt', `must be an ISO 8601 instant with a UTC offset, such as "2026-03-10T15:04:05Z" (got ${JSON.stringify(call.commissionAt)})`);
    }
    const dayOk = typeof call.commissionDay === 'string' && knownDays.check(call.commissionDay);
    if (!dayOk) report(id, 'commissionDay', `must be a date written YYYY-MM-DD (got ${JSON.stringify(call.commissionDay)})`);
    if (typeof call.period !== 'string' || !knownPeriods.check(call.period)) {
      report(id, 'period', `must be a month written YYYY-MM (got ${JSON.stringify(call.period)})`);
    } else if (dayOk && !(call.commissionDay.startsWith(call.period) && call.commissionDay[7] === '-')) {
      report(id, 'period', `must be the month of commissionDay ${call.commissionDay} (got ${call.period})`);
    }
    if (call.attributes !== undefined && (typeof call.attributes !== 'object' || call.attributes === null || Array.isArray(call.attributes))) {
      report(id, 'attributes', 'must be an object of call fields');
    }
    if (problems.length === 0) {
      // Read while the string is at hand; the decimal path never looks at it.
      const digits = scaled && baseDecimals >= 0 ? toScaled(call.baseAmount, baseDecimals) : -1;
      parsed[count++] = { call, at, base: null, digits, decimals: baseDecimals, setterId };
    }
  }
  if (problems.length > 0) throw new EngineInputError(problems);

  parsed.length = count;
  return { calls: parsed.sort((a, b) => a.at - b.at || compareText(a.call.id, b.call.id)), baseScale };
}

/** Code-unit order: the same in every locale. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

class CheckedValues {
  private readonly answers = new Map<string, boolean>();
  constructor(private readonly test: (value: string) => boolean) {}

  check(value: string): boolean {
    let answer = this.answers.get(value);
    if (answer === undefined) {
      answer = this.test(value);
      this.answers.set(value, answer);
    }
    return answer;
  }
}
