import { Decimal } from './money';
import type { PlanRule } from './plan-definition';
import type { CommissionCall } from './commission-call';
import type { CapApplied, Explanation, RuleUsed } from './payout-result';
import type { TierExplanation } from './tiers';

/** What a line's explanation is assembled from, as either path of the engine computed it. */
export interface LineExplanationParts {
  plan: Explanation['plan'];
  role: Explanation['role'];
  payeeId: string;
  call: CommissionCall;
  period: string;
  currency: string;
  creditedAs: Explanation['credited_as'];
  rateSource: Explanation['rate_source'];
  rule: RuleUsed | null;
  rateText: string | null;
  tiers: TierExplanation | undefined;
  rateAmountText: string;
  /** The flat's text and whether a rule set it. */
  flatText: string;
  flatFromRule: boolean;
  unroundedText: string;
  caps: readonly CapApplied[];
  rounding: Explanation['rounding'];
  amountText: string;
}

/**
 * A line's explanation, built in reading order with the optional parts only
 * where they apply, and its sentence: the one place both paths of the
 * engine (decimal.js and scaled integers) assemble it, so that they agree
 * field for field and in key order.
 */
export function explainLine(parts: LineExplanationParts): Explanation {
  const { call } = parts;
  const explanation = {
    plan: parts.plan,
    role: parts.role,
    payee_id: parts.payeeId,
    call_id: call.id,
    period: parts.period,
    currency: parts.currency,
  } as Explanation;
  if (parts.creditedAs) explanation.credited_as = parts.creditedAs;
  explanation.base = call.baseAmount;
  if (call.refund) explanation.refund = { gross_base: call.refund.grossBase, refunded_share: call.refund.refundedShare, effective_base: call.baseAmount };
  explanation.rate_source = parts.rateSource;
  if (parts.rule !== null) explanation.rule = parts.rule;
  if (parts.rateText !== null) explanation.rate = parts.rateText;
  if (parts.tiers) explanation.tiers = parts.tiers;
  explanation.rate_amount = parts.rateAmountText;
  explanation.flat = parts.flatText;
  explanation.flat_source = parts.flatFromRule ? 'rule' : 'role_flat';
  explanation.unrounded = parts.unroundedText;
  explanation.caps = parts.caps;
  explanation.rounding = parts.rounding;
  explanation.amount = parts.amountText;
  explanation.sentence = describeLine(explanation);
  return explanation;
}

/**
 * One plain sentence a finance person can read, built only from the
 * explanation's own fields, e.g. "Setter commission for bob on call c1:
 * 5% of 3,812.25 plus 0.00 flat = 190.6125, rounded half up to 190.61,
 * under plan 'Setters 2026'."
 */
export function describeLine(explanation: Omit<Explanation, 'sentence'>): string {
  const digits = explanation.rounding.minor_unit_digits;
  const parts: string[] = [explanation.role === 'closer' ? 'Closer commission for ' : 'Setter commission for ', explanation.payee_id];
  if (explanation.credited_as === 'self_set') parts.push(' (who also set the call; the plan pays self-set calls to both roles)');
  if (explanation.credited_as === 'missing_setter') parts.push(' (the call has no setter, so the plan gives the setter line to the closer)');
  parts.push(' on call ', explanation.call_id);
  if (explanation.refund) {
    const { gross_base: gross, refunded_share: share, effective_base: effective } = explanation.refund;
    parts.push(' (base ', formatAmount(gross, digits), ' less the ', percent(share), ' of its payment refunded = ', formatAmount(effective, digits), ')');
  }
  parts.push(': ');
  describeRatePart(explanation, digits, parts);
  parts.push(' plus ', formatAmount(explanation.flat, digits), ' flat');
  if (explanation.rule) parts.push(' (', describeRule(explanation.rule), ')');
  parts.push(' = ', formatAmount(explanation.unrounded, digits));

  let trailing = false;
  for (const cap of explanation.caps) {
    if (cap.cap === 'min_per_call') parts.push(', raised to the ', formatAmount(cap.limit, digits), ' minimum per call');
    if (cap.cap === 'max_per_call') parts.push(', capped at the ', formatAmount(cap.limit, digits), ' maximum per call');
    trailing = true;
  }
  const { rounding } = explanation;
  if (fractionDigits(rounding.unrounded) > digits) {
    parts.push(rounding.mode === 'half_up' ? ', rounded half up to ' : ', rounded half to even to ', formatAmount(rounding.rounded, digits));
    trailing = true;
  }
  const periodCap = explanation.caps.find((cap) => cap.cap === 'max_per_period');
  if (periodCap) {
    parts.push(', cut to ', formatAmount(periodCap.after, digits), ' by the ', formatAmount(periodCap.limit, digits), ' maximum per period (');
    parts.push(formatAmount(periodCap.period_paid_before ?? '0', digits), ' already paid in ', explanation.period, ')');
  }
  parts.push(trailing ? ', under plan ' : ' under plan ', quotedName(explanation.plan));
  return parts.join('');
}

function describeRatePart(explanation: Omit<Explanation, 'sentence'>, digits: number, parts: string[]): void {
  const base = formatAmount(explanation.base, digits);
  const tiers = explanation.tiers;
  if (explanation.rate_source !== 'tiers' || !tiers) {
    parts.push(percent(explanation.rate ?? '0'), ' of ', base);
    return;
  }
  const volume = (text: string) => (tiers.basis === 'amount' ? formatAmount(text, digits) : `${text} call${text === '1' ? '' : 's'}`);
  if (tiers.mode === 'marginal' && tiers.basis === 'amount') {
    if (tiers.slices.length === 0) parts.push('nothing on ', base);
    tiers.slices.forEach((slice, index) => {
      parts.push(index === 0 ? '' : ' + ', formatAmount(slice.base, digits), ' at ', percent(slice.rate));
    });
    parts.push(' (marginal tiers, period volume ', volume(tiers.volume_before), ' to ', volume(tiers.volume_after ?? tiers.volume_before), ')');
    return;
  }
  const step = tiers.slices[0];
  if (tiers.mode === 'marginal') {
    parts.push(percent(step.rate), ' of ', base, ' (call ', tiers.volume_after ?? '', ' of the period, in the tier above ', volume(step.from), ')');
    return;
  }
  const total = volume(tiers.period_total ?? '0');
  if (!step) {
    parts.push('nothing on ', base, ' (no retroactive tier covers a period volume of ', total, ')');
    return;
  }
  parts.push(percent(step.rate), ' of ', base, ' (retroactive tier above ', volume(step.from), ', for a period volume of ', total, ')');
}

/** Digits after the decimal point of a plain decimal string. */
function fractionDigits(text: string): number {
  const dot = text.indexOf('.');
  return dot === -1 ? 0 : text.length - dot - 1;
}

/** Phrases that are the same for every line of a plan or rule are made once (plans and rules are shared, frozen objects). */
const planNames = new WeakMap<object, string>();
function quotedName(plan: Explanation['plan']): string {
  let text = planNames.get(plan);
  if (text === undefined) {
    text = `'${plan.name}'.`;
    if (Object.isFrozen(plan)) planNames.set(plan, text);
  }
  return text;
}

const rulePhrases = new WeakMap<object, string>();
function describeRule(rule: NonNullable<Explanation['rule']>): string {
  let text = rulePhrases.get(rule);
  if (text === undefined) {
    const sets = rule.rate !== null && rule.flat !== null ? 'rate and flat' : rule.rate !== null ? 'rate' : 'flat';
    text = `${sets} from rule ${rule.index + 1}, matched on ${describeWhen(rule.when)}`;
    if (Object.isFrozen(rule)) rulePhrases.set(rule, text);
  }
  return text;
}

function describeWhen(when: PlanRule['when']): string {
  return Object.entries(when)
    .map(([field, values]) => {
      const list = values ?? [];
      const shown = list.slice(0, 3).join(' or ');
      return `${field} ${shown}${list.length > 3 ? ` or ${list.length - 3} more` : ''}`;
    })
    .join(' and ');
}

const percentCache = new Map<string, string>();

/** "0.125" → "12.5%". */
export function percent(rate: string): string {
  let text = percentCache.get(rate);
  if (text === undefined) {
    text = `${new Decimal(rate).times(100).toFixed()}%`;
    if (percentCache.size < 10_000) percentCache.set(rate, text);
  }
  return text;
}

/** "3812.25" → "3,812.25"; "5000" → "5,000.00"; keeps any extra precision: "190.6125". */
export function formatAmount(text: string, minorDigits: number): string {
  const start = text.charCodeAt(0) === 45 /* - */ ? 1 : 0;
  const dot = text.indexOf('.', start);
  const wholeEnd = dot === -1 ? text.length : dot;
  const fractionLength = dot === -1 ? 0 : text.length - dot - 1;
  const wholeLength = wholeEnd - start;
  if (wholeLength <= 3 && fractionLength >= minorDigits) return text;

  const head = wholeLength % 3 || 3;
  let formatted = text.slice(0, start + head);
  for (let index = start + head; index < wholeEnd; index += 3) formatted += `,${text.slice(index, index + 3)}`;
  if (fractionLength > 0) formatted += text.slice(wholeEnd);
  else if (minorDigits > 0) formatted += '.';
  for (let missing = minorDigits - fractionLength; missing > 0; missing--) formatted += '0';
  return formatted;
}
