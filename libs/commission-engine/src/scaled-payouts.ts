import type { CommissionCall } from './commission-call';
import type { CompiledPlan, CompiledRule, CompiledStep, CompiledTerms, CompiledTiers } from './compiled-plan';
import type { Entry, PayoutVisitor, RunSettings, VolumeGroup } from './compute-payouts';
import { explainLine } from './explanation';
import type { MoneyRounding } from './money';
import type { CapApplied, Explanation, PayoutLine } from './payout-result';
import type { Role } from './plan-definition';
import { firstMatchingRule } from './rule-matching';
import { MAX_SAFE, MAX_SCALE, cutDownToUnit, fixedText, fractionLength, plainText, powerOfTen, roundToUnit, toScaled } from './scaled-integer';
import type { TierExplanation, TierSlice } from './tiers';

/**
 * The engine's fast path: the same order of work as payGroup/payLine in
 * compute-payouts.ts, in scaled integers (scaled-integer.ts) instead of
 * decimal.js, with each line's explanation built only when it is read.
 *
 * Scales, chosen once per run from the plans and the calls:
 * - volume: the calls' bases and the amount tiers' bounds (S_v decimals);
 * - rate: every rate of every plan (S_r decimals);
 * - money: a line's amounts, flats and caps (S = max(S_v + S_r, the plans'
 *   amount decimals, the currency's minor-unit digits)), so base × rate is
 *   exact at S.
 * A group (a payee's role in a period) is paid here only when a bound check
 * shows that every value it can reach stays within 2^53; otherwise, and for a
 * run whose scales do not fit, the decimal path pays it. Both give the same
 * lines and explanations (compute-payouts.property.spec.ts checks this).
 */
export interface ScaledRun {
  /** Multiplies an entry's units (Entry.units, at the calls' own scale) to the volume scale. */
  baseFactor: number;
  volumeScale: number;
  scale: number;
  /** 10^(S - S_v - S_r): base (S_v) × rate (S_r) × productFactor is at S. */
  productFactor: number;
  /** One minor unit at S. */
  unit: number;
  halfEven: boolean;
  money: MoneyRounding;
  currency: string;
  /** Largest rate of any plan, at S_r. */
  maxRate: number;
  /** Largest flat plus largest min_per_call plus one unit, at S: what a line can add beyond base × rate. */
  maxAddition: number;
  terms: Map<CompiledTerms, ScaledTerms>;
}

interface ScaledStep {
  compiled: CompiledStep;
  /** At S_v for amount tiers, a whole count for count tiers. */
  from: number;
  /** -1: no upper bound. */
  to: number;
  rate: number;
}

interface ScaledTerms {
  compiled: CompiledTerms;
  rate: number;
  flat: number;
  steps: ScaledStep[] | null;
  /** By rule index; -1 where the rule does not set it. */
  ruleRates: number[];
  ruleFlats: number[];
  /** -1: no such cap. */
  minPerCall: number;
  maxPerCall: number;
  maxPerPeriod: number;
}

/** A bound check leaves this much headroom below 2^53 for the float estimate of the bound itself. */
const BOUND = MAX_SAFE / 4;

/**
 * The run's scales and its plans in scaled integers, or null when they do
 * not fit (then the whole run takes the decimal path). `baseScale` is the
 * most decimals any call's base has.
 */
export function prepareScaledRun(plans: Iterable<CompiledPlan>, baseScale: number, settings: RunSettings): ScaledRun | null {
  const allTerms: CompiledTerms[] = [];
  for (const plan of plans) for (const terms of Object.values(plan.terms)) if (terms) allTerms.push(terms);

  let rateScale = 0;
  let amountScale = 0;
  let fromScale = 0;
  const amounts = (text: string | null) => (amountScale = Math.max(amountScale, text === null ? 0 : fractionLength(text)));
  const rates = (text: string | null) => (rateScale = Math.max(rateScale, text === null ? 0 : fractionLength(text)));
  for (const terms of allTerms) {
    rates(terms.rateText);
    amounts(terms.flatText);
    for (const limit of [terms.minPerCall, terms.maxPerCall, terms.maxPerPeriod]) amounts(limit?.text ?? null);
    for (const rule of terms.rules) {
      rates(rule.rateText);
      amounts(rule.flatText);
    }
    for (const step of terms.tiers?.steps ?? []) {
      rates(step.rateText);
      if (terms.tiers!.basis === 'amount') fromScale = Math.max(fromScale, fractionLength(step.fromText));
    }
  }
  const volumeScale = Math.max(baseScale, fromScale);
  const scale = Math.max(volumeScale + rateScale, amountScale, settings.money.digits);
  if (scale > MAX_SCALE) return null;

  const run: ScaledRun = {
    baseFactor: powerOfTen(volumeScale - baseScale),
    volumeScale,
    scale,
    productFactor: powerOfTen(scale - volumeScale - rateScale),
    unit: powerOfTen(scale - settings.money.digits),
    halfEven: settings.money.mode === 'half_even',
    money: settings.money,
    currency: settings.currency,
    maxRate: 0,
    maxAddition: 0,
    terms: new Map(),
  };
  let maxFlat = 0;
  let maxMinimum = 0;
  for (const terms of allTerms) {
    const scaled = scaleTerms(terms, run, rateScale);
    if (scaled === null) return null;
    run.terms.set(terms, scaled);
    run.maxRate = Math.max(run.maxRate, scaled.rate, ...scaled.ruleRates, ...(scaled.steps ?? []).map((step) => step.rate));
    maxFlat = Math.max(maxFlat, scaled.flat, ...scaled.ruleFlats);
    maxMinimum = Math.max(maxMinimum, scaled.minPerCall);
  }
  run.maxAddition = maxFlat + maxMinimum + run.unit;
  return run.maxAddition <= BOUND ? run : null;
}

function scaleTerms(terms: CompiledTerms, run: ScaledRun, rateScale: number): ScaledTerms | null {
  const { scale, volumeScale } = run;
  const optional = (text: string | null, at: number) => (text === null ? -1 : toScaled(text, at));
  const scaled: ScaledTerms = {
    compiled: terms,
    rate: toScaled(terms.rateText, rateScale),
    flat: toScaled(terms.flatText, scale),
    steps: terms.tiers === null ? null : scaleSteps(terms.tiers, volumeScale, rateScale),
    ruleRates: terms.rules.map((rule) => optional(rule.rateText, rateScale)),
    ruleFlats: terms.rules.map((rule) => optional(rule.flatText, scale)),
    minPerCall: optional(terms.minPerCall?.text ?? null, scale),
    maxPerCall: optional(terms.maxPerCall?.text ?? null, scale),
    maxPerPeriod: optional(terms.maxPerPeriod?.text ?? null, scale),
  };
  // -1 from toScaled where a text was given means it did not fit.
  const fits = (value: number, text: string | null | undefined) => value >= 0 || text === null || text === undefined;
  const ok =
    scaled.rate >= 0 &&
    scaled.flat >= 0 &&
    (terms.tiers === null || scaled.steps !== null) &&
    terms.rules.every((rule, index) => fits(scaled.ruleRates[index], rule.rateText) && fits(scaled.ruleFlats[index], rule.flatText)) &&
    fits(scaled.minPerCall, terms.minPerCall?.text) &&
    fits(scaled.maxPerCall, terms.maxPerCall?.text) &&
    fits(scaled.maxPerPeriod, terms.maxPerPeriod?.text);
  return ok ? scaled : null;
}

function scaleSteps(tiers: CompiledTiers, volumeScale: number, rateScale: number): ScaledStep[] | null {
  const fromScale = tiers.basis === 'amount' ? volumeScale : 0;
  const steps = tiers.steps.map((step) => ({
    compiled: step,
    from: toScaled(step.fromText, fromScale),
    to: step.toText === null ? -1 : toScaled(step.toText, fromScale),
    rate: toScaled(step.rateText, rateScale),
  }));
  return steps.every((step) => step.from >= 0 && step.rate >= 0 && (step.to >= 0 || step.compiled.toText === null)) ? steps : null;
}

/**
 * Pays one group on the scaled path and returns true, or returns false
 * without paying anything when its bound check fails (a call's base does not
 * fit, or the group's volume and lines could leave the exact range).
 */
export function payGroupScaled(group: VolumeGroup, run: ScaledRun, visitor: PayoutVisitor): boolean {
  const { entries, role } = group;
  if (group.units < 0) return false;
  const volumeTotal = group.units * run.baseFactor;
  // Every value below is at most the group's volume, or the sum of its lines before caps cut them.
  if (volumeTotal > BOUND || volumeTotal * run.maxRate * run.productFactor + entries.length * run.maxAddition > BOUND) return false;

  const state: GroupState = { role, payeeId: group.payeeId, period: group.period, run, countTotal: entries.length, volumeTotal, paid: 0 };
  const volume: Volume = { countBefore: 0, countTotal: entries.length, before: 0, after: 0, total: volumeTotal };
  for (let index = 0; index < entries.length; index++) {
    const entry = entries[index];
    const base = entry.units * run.baseFactor;
    if (index > 0) {
      volume.countBefore += 1;
      volume.before = volume.after;
    }
    volume.after = volume.before + base;
    if (entry.plan === null) {
      visitor.unplanned?.({ callId: entry.call.id, role, payeeId: group.payeeId, period: group.period });
      continue;
    }
    visitor.line(new ScaledPayoutLine(entry, entry.plan, run.terms.get(entry.plan.terms[role]!)!, state, base, volume));
  }
  return true;
}

interface Volume {
  countBefore: number;
  countTotal: number;
  /** At S_v: the payee's volume before this call, after it, and the whole period's. */
  before: number;
  after: number;
  total: number;
}

/** One payee's role in one period, shared by its lines; `paid` runs along (rounded lines so far, at S). */
interface GroupState {
  role: Role;
  payeeId: string;
  period: string;
  run: ScaledRun;
  countTotal: number;
  volumeTotal: number;
  paid: number;
}

/**
 * The rate part of a tiered call, at S (tieredRatePart in tiers.ts). With
 * `explain`, it also writes the tier explanation there and returns the
 * amount all the same.
 */
function tieredAmount(
  tiers: CompiledTiers,
  steps: readonly ScaledStep[],
  base: number,
  volume: Volume,
  run: ScaledRun,
  explain: { baseText: string; tiers?: TierExplanation; rateText?: string | null } | null,
): number {
  const { basis, mode } = tiers;
  const { productFactor, scale, volumeScale } = run;
  if (mode === 'marginal' && basis === 'amount') {
    let amount = 0;
    const slices: TierSlice[] | null = explain === null ? null : [];
    for (const step of steps) {
      if (step.to >= 0 && step.to <= volume.before) continue;
      if (step.from >= volume.after) break;
      const low = step.from > volume.before ? step.from : volume.before;
      const high = step.to >= 0 && step.to < volume.after ? step.to : volume.after;
      const portion = high - low;
      if (portion === 0) continue;
      const paid = portion * step.rate * productFactor;
      amount += paid;
      slices?.push(sliceOf(step.compiled, plainText(portion, volumeScale), plainText(paid, scale)));
    }
    if (explain !== null && slices !== null) {
      const single = slices.length === 1 ? slices[0] : null;
      if (single !== null) single.base = explain.baseText;
      explain.rateText = single !== null ? single.rate : null;
      explain.tiers = {
        basis,
        mode,
        volume_before: plainText(volume.before, volumeScale),
        volume_after: plainText(volume.after, volumeScale),
        slices,
      };
    }
    return amount;
  }
  let step: ScaledStep | null;
  let described: Omit<TierExplanation, 'slices'> | null = null;
  if (mode === 'marginal') {
    const position = volume.countBefore + 1;
    step = lastStepBelow(steps, position);
    if (explain !== null) described = { basis, mode, volume_before: String(volume.countBefore), volume_after: String(position) };
  } else {
    step = lastStepBelow(steps, basis === 'amount' ? volume.total : volume.countTotal);
    if (explain !== null) {
      described = {
        basis,
        mode,
        volume_before: basis === 'amount' ? plainText(volume.before, volumeScale) : String(volume.countBefore),
        period_total: basis === 'amount' ? plainText(volume.total, volumeScale) : String(volume.countTotal),
      };
    }
  }
  const amount = step === null ? 0 : base * step.rate * productFactor;
  if (explain !== null && described !== null) {
    explain.rateText = step === null ? '0' : step.compiled.rateText;
    explain.tiers = { ...described, slices: step === null ? [] : [sliceOf(step.compiled, explain.baseText, plainText(amount, scale))] };
  }
  return amount;
}

function lastStepBelow(steps: readonly ScaledStep[], volume: number): ScaledStep | null {
  let found: ScaledStep | null = null;
  for (const step of steps) {
    if (step.from < volume) found = step;
    else break;
  }
  return found;
}

function sliceOf(step: CompiledStep, base: string, amount: string): TierSlice {
  return { step: step.index, from: step.fromText, to: step.toText, rate: step.rateText, base, amount };
}

/**
 * A line of the fast path, computed in its constructor (order of work 2–4,
 * as payLine in compute-payouts.ts), which also adds it to the group's
 * running total. It keeps what its explanation is built from, and builds
 * that on first read. `explanation` is a getter on the class, not an own
 * property (an object literal with a getter costs V8 some 40 times more to
 * make, per line of a million-call run): read it by name, or serialise the
 * line (toJSON includes it); a spread copy (`{ ...line }`) leaves it out.
 * The explanation reads the call when it is built: a caller must not change
 * a call object it handed to the engine while it still holds the lines.
 */
class ScaledPayoutLine implements PayoutLine {
  readonly callId: string;
  readonly payeeId: string;
  readonly role: Role;
  readonly planId: string;
  readonly planName: string;
  readonly period: string;
  readonly commissionAt: string;
  readonly baseAmount: string;
  readonly amount: string;
  readonly #call: CommissionCall;
  readonly #creditedAs: Entry['creditedAs'];
  readonly #plan: CompiledPlan;
  readonly #terms: ScaledTerms;
  readonly #group: GroupState;
  readonly #rule: CompiledRule | null;
  readonly #base: number;
  readonly #countBefore: number;
  readonly #volumeBefore: number;
  readonly #volumeAfter: number;
  readonly #rateAmount: number;
  readonly #unrounded: number;
  readonly #rounded: number;
  readonly #amountUnits: number;
  readonly #paidBefore: number;
  #explanation: Explanation | undefined;

  constructor(entry: Entry, plan: CompiledPlan, terms: ScaledTerms, group: GroupState, base: number, volume: Volume) {
    const { run } = group;
    const { call } = entry;
    const compiled = terms.compiled;
    const rule = compiled.rules.length === 0 ? null : firstMatchingRule(compiled.rules, call.attributes ?? {});
    let rateAmount: number;
    if (rule !== null && rule.rate !== null) rateAmount = base * terms.ruleRates[rule.index] * run.productFactor;
    else if (terms.steps !== null) rateAmount = tieredAmount(compiled.tiers!, terms.steps, base, volume, run, null);
    else rateAmount = base * terms.rate * run.productFactor;
    const flat = rule !== null && rule.flat !== null ? terms.ruleFlats[rule.index] : terms.flat;
    const unrounded = rateAmount + flat;

    let clamped = unrounded;
    if (terms.minPerCall >= 0 && clamped < terms.minPerCall) clamped = terms.minPerCall;
    if (terms.maxPerCall >= 0 && clamped > terms.maxPerCall) clamped = terms.maxPerCall;
    const rounded = roundToUnit(clamped, run.unit, run.halfEven);
    const paidBefore = group.paid;
    let amount = rounded;
    if (terms.maxPerPeriod >= 0 && paidBefore + rounded > terms.maxPerPeriod) {
      const room = terms.maxPerPeriod - paidBefore;
      const allowed = room < 0 ? 0 : cutDownToUnit(room, run.unit);
      if (allowed < rounded) amount = allowed;
    }
    group.paid = paidBefore + amount;

    this.callId = call.id;
    this.payeeId = group.payeeId;
    this.role = group.role;
    this.planId = plan.reference.id;
    this.planName = plan.reference.name;
    this.period = group.period;
    this.commissionAt = call.commissionAt;
    this.baseAmount = call.baseAmount;
    this.amount = fixedText(amount, run.scale, run.money.digits);
    this.#call = call;
    this.#creditedAs = entry.creditedAs;
    this.#plan = plan;
    this.#terms = terms;
    this.#group = group;
    this.#rule = rule;
    this.#base = base;
    this.#countBefore = volume.countBefore;
    this.#volumeBefore = volume.before;
    this.#volumeAfter = volume.after;
    this.#rateAmount = rateAmount;
    this.#unrounded = unrounded;
    this.#rounded = rounded;
    this.#amountUnits = amount;
    this.#paidBefore = paidBefore;
  }

  get explanation(): Explanation {
    return (this.#explanation ??= this.#explain());
  }

  /** The line as the decimal path writes it, explanation last. */
  toJSON(): PayoutLine {
    return {
      callId: this.callId,
      payeeId: this.payeeId,
      role: this.role,
      planId: this.planId,
      planName: this.planName,
      period: this.period,
      commissionAt: this.commissionAt,
      baseAmount: this.baseAmount,
      amount: this.amount,
      explanation: this.explanation,
    };
  }

  /** The explanation payLine in compute-payouts.ts writes, field for field and in the same order. */
  #explain(): Explanation {
    const call = this.#call;
    const rule = this.#rule;
    const terms = this.#terms;
    const group = this.#group;
    const { run } = group;
    const { scale, money } = run;
    const compiled = terms.compiled;
    const digits = money.digits;

    let rateSource: Explanation['rate_source'];
    let rateText: string | null;
    let tiers: TierExplanation | undefined;
    if (rule !== null && rule.rate !== null) {
      rateSource = 'rule';
      rateText = rule.rateText;
    } else if (terms.steps !== null) {
      const volume = {
        countBefore: this.#countBefore,
        countTotal: group.countTotal,
        before: this.#volumeBefore,
        after: this.#volumeAfter,
        total: group.volumeTotal,
      };
      const out: { baseText: string; tiers?: TierExplanation; rateText?: string | null } = { baseText: call.baseAmount };
      tieredAmount(compiled.tiers!, terms.steps, this.#base, volume, run, out);
      rateSource = 'tiers';
      rateText = out.rateText ?? null;
      tiers = out.tiers;
    } else {
      rateSource = 'role_rate';
      rateText = compiled.rateText;
    }
    const ruleFlat = rule !== null && rule.flat !== null;
    const rateAmountText = plainText(this.#rateAmount, scale);
    const unrounded = this.#unrounded;
    const unroundedText = unrounded === this.#rateAmount ? rateAmountText : plainText(unrounded, scale);

    let caps: readonly CapApplied[] = NO_CAPS;
    let clampedText = unroundedText;
    let clamped = unrounded;
    if (terms.minPerCall >= 0 && clamped < terms.minPerCall) {
      const after = plainText(terms.minPerCall, scale);
      caps = [...caps, { cap: 'min_per_call', limit: compiled.minPerCall!.text, before: clampedText, after }];
      clamped = terms.minPerCall;
      clampedText = after;
    }
    if (terms.maxPerCall >= 0 && clamped > terms.maxPerCall) {
      const after = plainText(terms.maxPerCall, scale);
      caps = [...caps, { cap: 'max_per_call', limit: compiled.maxPerCall!.text, before: clampedText, after }];
      clampedText = after;
    }
    const roundedText = fixedText(this.#rounded, scale, digits);
    if (this.#amountUnits !== this.#rounded) {
      caps = [
        ...caps,
        {
          cap: 'max_per_period',
          limit: compiled.maxPerPeriod!.text,
          before: roundedText,
          after: this.amount,
          period_paid_before: fixedText(this.#paidBefore, scale, digits),
        },
      ];
    }

    return explainLine({
      plan: this.#plan.reference,
      role: this.role,
      payeeId: this.payeeId,
      call,
      period: this.period,
      currency: run.currency,
      creditedAs: this.#creditedAs,
      rateSource,
      rule: rule === null ? null : rule.explanation,
      rateText,
      tiers,
      rateAmountText,
      flatText: ruleFlat ? rule.flatText! : compiled.flatText,
      flatFromRule: ruleFlat,
      unroundedText,
      caps,
      rounding: { mode: money.mode, minor_unit_digits: digits, unrounded: clampedText, rounded: roundedText },
      amountText: this.amount,
    });
  }
}

const NO_CAPS: readonly CapApplied[] = Object.freeze([]);
