import type { CommissionCall } from './commission-call';
import { compilePlans, type CompiledPlan, type CompiledTerms } from './compiled-plan';
import { EngineInputError, type EngineInputProblem } from './engine-input-error';
import { describeLine } from './explanation';
import {
  Decimal,
  ROUNDING_MODES,
  ZERO,
  formatMoney,
  isDecimalString,
  minorUnitDigits,
  plainDecimal,
  roundMoney,
  truncateMoney,
  type RoundingMode,
} from './money';
import type { Plan, Role } from './plan-definition';
import { PlanSelector } from './plan-selection';
import { isCalendarDate } from './plan-validation';
import type { CapApplied, Explanation, PayoutLine, PayoutResult, UnplannedPayout } from './payout-result';
import { firstMatchingRule } from './rule-matching';
import { tieredRatePart, type VolumePosition } from './tiers';

export interface ComputePayoutsInput {
  calls: readonly CommissionCall[];
  plans: readonly Plan[];
  currency: string;
  roundingMode: RoundingMode;
}

/** A call checked and parsed once. */
interface ParsedCall {
  call: CommissionCall;
  /** Epoch milliseconds of commissionAt: the commission order, then call id. */
  at: number;
  base: Decimal;
  setterId: string | null;
}

/** A (call, role, payee) the payee's volume counts; plan null when nothing pays it. */
interface Entry {
  parsed: ParsedCall;
  plan: CompiledPlan | null;
  creditedAs?: 'self_set' | 'missing_setter';
}

/** One payee's calls in one role and period, in commission order (product.md, order of work 1). */
interface VolumeGroup {
  period: string;
  payeeId: string;
  role: Role;
  entries: Entry[];
}

interface RunSettings {
  currency: string;
  roundingMode: RoundingMode;
  digits: number;
}

/**
 * Every payout line the calls earn under the plans, each with its
 * explanation, plus the (call, role, payee) no plan covers. Pure and
 * deterministic: the same calls and plans in any order give the same result.
 * Throws EngineInputError, listing every problem, when a plan or call is not
 * usable.
 */
export function computePayouts(input: ComputePayoutsInput): PayoutResult {
  const settings = readSettings(input);
  const plans = compilePlans(input.plans);
  const selector = new PlanSelector([...plans.values()].map((compiled) => compiled.plan));
  const calls = parseCalls(input.calls);

  const groups = new Map<string, VolumeGroup>();
  const addEntry = (parsed: ParsedCall, role: Role, payeeId: string, plan: Plan | null, creditedAs?: Entry['creditedAs']) => {
    const key = `${parsed.call.period}\u0000${payeeId}\u0000${role}`;
    let group = groups.get(key);
    if (!group) {
      group = { period: parsed.call.period, payeeId, role, entries: [] };
      groups.set(key, group);
    }
    const entry: Entry = { parsed, plan: plan ? plans.get(plan.id)! : null };
    if (creditedAs) entry.creditedAs = creditedAs;
    group.entries.push(entry);
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
    if (parsed.setterId === null && setterPlan.missing_setter === 'closer') {
      addEntry(parsed, 'setter', closerId, setterPlan, 'missing_setter');
    } else if (parsed.setterId !== null && setterPlan.self_set === 'both') {
      addEntry(parsed, 'setter', closerId, setterPlan, 'self_set');
    }
  }

  const ordered = [...groups.values()].sort(
    (a, b) => compareText(a.period, b.period) || compareText(a.payeeId, b.payeeId) || compareText(a.role, b.role),
  );
  const lines: PayoutLine[] = [];
  const unplanned: UnplannedPayout[] = [];
  for (const group of ordered) payGroup(group, settings, lines, unplanned);
  return { lines, unplanned };
}

/** Walks one payee's (role, period) calls in commission order: tier volume and the period cap run along. */
function payGroup(group: VolumeGroup, settings: RunSettings, lines: PayoutLine[], unplanned: UnplannedPayout[]): void {
  let amountTotal: Decimal = ZERO;
  for (const entry of group.entries) amountTotal = amountTotal.plus(entry.parsed.base);
  const position: VolumePosition = { amountBefore: ZERO, countBefore: 0, amountTotal, countTotal: group.entries.length };
  let paid: Decimal = ZERO;

  for (const entry of group.entries) {
    const { call, base } = entry.parsed;
    if (entry.plan === null) {
      unplanned.push({ callId: call.id, role: group.role, payeeId: group.payeeId, period: group.period });
    } else {
      const line = payLine(entry, entry.plan, group, position, paid, settings);
      lines.push(line.line);
      paid = paid.plus(line.amount);
    }
    position.amountBefore = position.amountBefore.plus(base);
    position.countBefore += 1;
  }
}

/** One line: rate part + flat, per-call caps, rounding, then the period cap (order of work 2–4). */
function payLine(
  entry: Entry,
  plan: CompiledPlan,
  group: VolumeGroup,
  position: VolumePosition,
  paidBefore: Decimal,
  settings: RunSettings,
): { line: PayoutLine; amount: Decimal } {
  const { call, base } = entry.parsed;
  const terms: CompiledTerms = plan.terms[group.role]!;
  const rule = firstMatchingRule(terms.rules, call.attributes ?? {});

  let rateAmount: Decimal;
  let rateSource: Explanation['rate_source'];
  let rateText: string | null;
  let tiers: Explanation['tiers'];
  if (rule !== null && rule.rate !== null) {
    rateAmount = base.times(rule.rate);
    rateSource = 'rule';
    rateText = rule.rateText;
  } else if (terms.tiers !== null) {
    const tiered = tieredRatePart(terms.tiers, base, position);
    rateAmount = tiered.amount;
    rateSource = 'tiers';
    rateText = tiered.rateText;
    tiers = tiered.explanation;
  } else {
    rateAmount = base.times(terms.rate);
    rateSource = 'role_rate';
    rateText = terms.rateText;
  }
  const ruleFlat = rule !== null && rule.flat !== null;
  const flat = ruleFlat ? rule.flat! : terms.flat;
  const unrounded = rateAmount.plus(flat);

  const caps: CapApplied[] = [];
  let clamped = unrounded;
  if (terms.minPerCall !== null && clamped.lt(terms.minPerCall.value)) {
    caps.push({ cap: 'min_per_call', limit: terms.minPerCall.text, before: plainDecimal(clamped), after: plainDecimal(terms.minPerCall.value) });
    clamped = terms.minPerCall.value;
  }
  if (terms.maxPerCall !== null && clamped.gt(terms.maxPerCall.value)) {
    caps.push({ cap: 'max_per_call', limit: terms.maxPerCall.text, before: plainDecimal(clamped), after: plainDecimal(terms.maxPerCall.value) });
    clamped = terms.maxPerCall.value;
  }
  const rounded = roundMoney(clamped, settings.currency, settings.roundingMode);
  const roundedText = formatMoney(rounded, settings.currency);

  let amount = rounded;
  let amountText = roundedText;
  if (terms.maxPerPeriod !== null) {
    // Running total of rounded lines; never below 0, never over the limit (rounded down to the minor unit).
    const room = terms.maxPerPeriod.value.minus(paidBefore);
    const allowed = room.isNegative() ? ZERO : truncateMoney(room, settings.currency);
    if (amount.gt(allowed)) {
      amount = allowed;
      amountText = formatMoney(allowed, settings.currency);
      caps.push({
        cap: 'max_per_period',
        limit: terms.maxPerPeriod.text,
        before: roundedText,
        after: amountText,
        period_paid_before: formatMoney(paidBefore, settings.currency),
      });
    }
  }

  // Built in reading order; optional parts only when they apply.
  const explanation = {
    plan: plan.reference,
    role: group.role,
    payee_id: group.payeeId,
    call_id: call.id,
    period: group.period,
    currency: settings.currency,
    base: call.baseAmount,
    rate_source: rateSource,
  } as Explanation;
  if (entry.creditedAs) explanation.credited_as = entry.creditedAs;
  if (rule !== null) explanation.rule = { index: rule.index, when: rule.when, rate: rule.rateText, flat: rule.flatText };
  if (rateText !== null) explanation.rate = rateText;
  if (tiers) explanation.tiers = tiers;
  explanation.rate_amount = plainDecimal(rateAmount);
  explanation.flat = ruleFlat ? rule!.flatText! : terms.flatText;
  explanation.flat_source = ruleFlat ? 'rule' : 'role_flat';
  explanation.unrounded = plainDecimal(unrounded);
  explanation.caps = caps;
  explanation.rounding = {
    mode: settings.roundingMode,
    minor_unit_digits: settings.digits,
    unrounded: plainDecimal(clamped),
    rounded: roundedText,
  };
  explanation.amount = amountText;
  explanation.sentence = describeLine(explanation);

  return {
    amount,
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
  let digits = 0;
  try {
    digits = minorUnitDigits(input.currency);
  } catch (error) {
    problems.push({ source: 'input', id: null, field: 'currency', message: (error as Error).message });
  }
  if (!(ROUNDING_MODES as readonly string[]).includes(input.roundingMode)) {
    problems.push({ source: 'input', id: null, field: 'roundingMode', message: `must be one of ${ROUNDING_MODES.join(', ')}` });
  }
  if (!Array.isArray(input.calls)) problems.push({ source: 'input', id: null, field: 'calls', message: 'must be a list of calls' });
  if (!Array.isArray(input.plans)) problems.push({ source: 'input', id: null, field: 'plans', message: 'must be a list of plans' });
  if (problems.length > 0) throw new EngineInputError(problems);
  return { currency: input.currency, roundingMode: input.roundingMode, digits };
}

const MAX_REPORTED_PROBLEMS = 100;

/** Checks every call, then sorts them by commission instant, then call id. */
function parseCalls(calls: readonly CommissionCall[]): ParsedCall[] {
  const problems: EngineInputProblem[] = [];
  const report = (id: string | null, field: string, message: string) => {
    if (problems.length < MAX_REPORTED_PROBLEMS) problems.push({ source: 'call', id, field, message });
  };
  const seen = new Set<string>();
  const parsed: ParsedCall[] = new Array(calls.length);
  let count = 0;

  for (const call of calls) {
    if (typeof call !== 'object' || call === null) {
      report(null, '', 'a call must be an object');
      continue;
    }
    const id = typeof call.id === 'string' && call.id.length > 0 ? call.id : null;
    if (id === null) report(null, 'id', 'every call needs a non-empty string id');
    else if (seen.has(id)) report(id, 'id', 'two calls share this id');
    else seen.add(id);

    if (typeof call.closerId !== 'string' || call.closerId.length === 0) report(id, 'closerId', 'must be a non-empty string');
    const setterId = call.setterId === null || call.setterId === undefined || call.setterId === '' ? null : call.setterId;
    if (setterId !== null && typeof setterId !== 'string') report(id, 'setterId', 'must be a string or null');

    const baseOk = isDecimalString(call.baseAmount) && !call.baseAmount.startsWith('-');
    if (!baseOk) report(id, 'baseAmount', `must be a decimal string of 0 or more such as "5000.00" (got ${JSON.stringify(call.baseAmount)})`);

    const at = typeof call.commissionAt === 'string' ? Date.parse(call.commissionAt) : NaN;
    if (Number.isNaN(at)) report(id, 'commissionAt', `must be an ISO instant (got ${JSON.stringify(call.commissionAt)})`);
    const dayOk = typeof call.commissionDay === 'string' && isCalendarDate(call.commissionDay);
    if (!dayOk) report(id, 'commissionDay', `must be a date written YYYY-MM-DD (got ${JSON.stringify(call.commissionDay)})`);
    if (typeof call.period !== 'string' || !/^\d{4}-(0[1-9]|1[0-2])$/.test(call.period)) {
      report(id, 'period', `must be a month written YYYY-MM (got ${JSON.stringify(call.period)})`);
    } else if (dayOk && call.commissionDay.slice(0, 7) !== call.period) {
      report(id, 'period', `must be the month of commissionDay ${call.commissionDay} (got ${call.period})`);
    }
    if (call.attributes !== undefined && (typeof call.attributes !== 'object' || call.attributes === null || Array.isArray(call.attributes))) {
      report(id, 'attributes', 'must be an object of call fields');
    }
    if (problems.length === 0) parsed[count++] = { call, at, base: new Decimal(call.baseAmount), setterId };
  }
  if (problems.length > 0) throw new EngineInputError(problems);

  parsed.length = count;
  return parsed.sort((a, b) => a.at - b.at || compareText(a.call.id, b.call.id));
}

/** Code-unit order: the same in every locale. */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
