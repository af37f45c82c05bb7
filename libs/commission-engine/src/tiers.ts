import type { CompiledStep, CompiledTiers } from './compiled-plan';
import { Decimal, ZERO, plainDecimal } from './money';
import type { TierBasis, TierMode } from './plan-definition';
import type { VolumeCursor } from './volume-cursor';

/** One tier step a call was paid under. */
export interface TierSlice {
  /** Index of the step in tiers.steps. */
  step: number;
  /** The step's bounds: it covers volume strictly above `from`, up to and including `to` (null: no end). */
  from: string;
  to: string | null;
  rate: string;
  /** The part of the call's base paid at this rate. */
  base: string;
  /** base × rate, full precision. */
  amount: string;
}

export interface TierExplanation {
  basis: TierBasis;
  mode: TierMode;
  /** The payee's volume in the role and period before this call (amount, or number of calls). */
  volume_before: string;
  /** …and including this call (marginal tiers). */
  volume_after?: string;
  /** The payee's whole volume in the role and period (retroactive tiers). */
  period_total?: string;
  slices: TierSlice[];
}

export interface TieredRatePart {
  amount: Decimal;
  /** amount as plain text, full precision. */
  amountText: string;
  /** The single rate used, when one rate paid the whole base. */
  rateText: string | null;
  explanation: TierExplanation;
}

/**
 * The rate part of a call paid by tiers (product.md, "Precise order of
 * work" 3). `base` is the call's base, `baseText` how the call wrote it.
 */
export function tieredRatePart(tiers: CompiledTiers, base: Decimal, baseText: string, volume: VolumeCursor): TieredRatePart {
  const { basis, mode, steps } = tiers;
  if (mode === 'marginal' && basis === 'amount') {
    const { amount, slices } = marginalSlices(steps, volume.amountBefore, volume.amountAfter);
    const single = slices.length === 1 ? slices[0] : null;
    // The slices' bases add up to the call's base, so a lone slice holds all of it.
    if (single !== null) single.base = baseText;
    return {
      amount,
      amountText: single !== null ? single.amount : plainDecimal(amount),
      rateText: single !== null ? single.rate : null,
      explanation: { basis, mode, volume_before: volume.amountBeforeText(), volume_after: volume.amountAfterText(), slices },
    };
  }
  if (mode === 'marginal') {
    // Count basis: the call at position p (1-based) is paid at the last step with from < p.
    const positionInPeriod = volume.countBefore + 1;
    const step = lastStepBelow(steps, positionInPeriod);
    return singleStep(step, base, baseText, {
      basis,
      mode,
      volume_before: String(volume.countBefore),
      volume_after: String(positionInPeriod),
    });
  }
  const step = lastStepBelow(steps, basis === 'amount' ? volume.amountTotal : volume.countTotal);
  return singleStep(step, base, baseText, {
    basis,
    mode,
    volume_before: basis === 'amount' ? volume.amountBeforeText() : String(volume.countBefore),
    period_total: basis === 'amount' ? volume.amountTotalText() : String(volume.countTotal),
  });
}

function singleStep(step: CompiledStep | null, base: Decimal, baseText: string, explanation: Omit<TierExplanation, 'slices'>): TieredRatePart {
  if (step === null) {
    // Only when the period volume is 0: no step covers it, and there is nothing to pay on.
    return { amount: ZERO, amountText: '0', rateText: '0', explanation: { ...explanation, slices: [] } };
  }
  const amount = base.times(step.rate);
  const amountText = plainDecimal(amount);
  return {
    amount,
    amountText,
    rateText: step.rateText,
    explanation: {
      ...explanation,
      slices: [{ step: step.index, from: step.fromText, to: step.toText, rate: step.rateText, base: baseText, amount: amountText }],
    },
  };
}

/**
 * Σ over steps of |(before, after] ∩ (fromᵢ, fromᵢ₊₁]| × rateᵢ: each part
 * of the call's base is paid at the rate of the step it falls in.
 */
export function marginalSlices(steps: readonly CompiledStep[], before: Decimal, after: Decimal): { amount: Decimal; slices: TierSlice[] } {
  let amount: Decimal = ZERO;
  const slices: TierSlice[] = [];
  for (const step of steps) {
    if (step.to !== null && step.to.lte(before)) continue;
    if (step.from.gte(after)) break;
    const low = step.from.gt(before) ? step.from : before;
    const high = step.to !== null && step.to.lt(after) ? step.to : after;
    const portion = high.minus(low);
    if (portion.isZero()) continue;
    const paid = portion.times(step.rate);
    amount = slices.length === 0 ? paid : amount.plus(paid);
    slices.push(slice(step, portion, paid));
  }
  return { amount, slices };
}

/** The last step whose from is strictly below `volume`, or null when none is (volume 0). */
export function lastStepBelow(steps: readonly CompiledStep[], volume: Decimal | number): CompiledStep | null {
  let found: CompiledStep | null = null;
  for (const step of steps) {
    if (step.from.lt(volume)) found = step;
    else break;
  }
  return found;
}

function slice(step: CompiledStep, base: Decimal, amount: Decimal): TierSlice {
  return { step: step.index, from: step.fromText, to: step.toText, rate: step.rateText, base: plainDecimal(base), amount: plainDecimal(amount) };
}
