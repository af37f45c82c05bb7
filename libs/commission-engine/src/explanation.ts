import { Decimal } from './money';
import type { PlanRule } from './plan-definition';
import type { Explanation } from './payout-result';

/**
 * One plain sentence a finance person can read, built only from the
 * explanation's own fields, e.g. "Setter commission for bob on call c1:
 * 5% of 3,812.25 plus 0.00 flat = 190.6125, rounded half up to 190.61,
 * under plan 'Setters 2026'."
 */
export function describeLine(explanation: Omit<Explanation, 'sentence'>): string {
  const digits = explanation.rounding.minor_unit_digits;
  const money = (text: string) => formatAmount(text, digits);
  const parts: string[] = [];

  parts.push(`${explanation.role === 'closer' ? 'Closer' : 'Setter'} commission for ${explanation.payee_id}`);
  if (explanation.credited_as === 'self_set') parts.push(' (who also set the call; the plan pays self-set calls to both roles)');
  if (explanation.credited_as === 'missing_setter') parts.push(' (the call has no setter, so the plan gives the setter line to the closer)');
  parts.push(` on call ${explanation.call_id}: `);
  parts.push(describeRatePart(explanation, money));
  parts.push(` plus ${money(explanation.flat)} flat`);
  if (explanation.rule) parts.push(` (${describeRule(explanation.rule)})`);
  parts.push(` = ${money(explanation.unrounded)}`);

  const trailing: string[] = [];
  for (const cap of explanation.caps) {
    if (cap.cap === 'min_per_call') trailing.push(`raised to the ${money(cap.limit)} minimum per call`);
    if (cap.cap === 'max_per_call') trailing.push(`capped at the ${money(cap.limit)} maximum per call`);
  }
  const { rounding } = explanation;
  if (money(rounding.unrounded) !== money(rounding.rounded)) {
    trailing.push(`rounded ${rounding.mode === 'half_up' ? 'half up' : 'half to even'} to ${money(rounding.rounded)}`);
  }
  const periodCap = explanation.caps.find((cap) => cap.cap === 'max_per_period');
  if (periodCap) {
    trailing.push(
      `cut to ${money(periodCap.after)} by the ${money(periodCap.limit)} maximum per period (${money(periodCap.period_paid_before ?? '0')} already paid in ${explanation.period})`,
    );
  }
  for (const phrase of trailing) parts.push(`, ${phrase}`);
  parts.push(`${trailing.length > 0 ? ',' : ''} under plan '${explanation.plan.name}'.`);
  return parts.join('');
}

function describeRatePart(explanation: Omit<Explanation, 'sentence'>, money: (text: string) => string): string {
  const base = money(explanation.base);
  const tiers = explanation.tiers;
  if (explanation.rate_source !== 'tiers' || !tiers) {
    return `${percent(explanation.rate ?? '0')} of ${base}`;
  }
  const unit = (text: string) => (tiers.basis === 'amount' ? money(text) : `${text} call${text === '1' ? '' : 's'}`);
  if (tiers.mode === 'marginal' && tiers.basis === 'amount') {
    const volume = `marginal tiers, period volume ${money(tiers.volume_before)} to ${money(tiers.volume_after ?? tiers.volume_before)}`;
    if (tiers.slices.length === 0) return `nothing on ${base} (${volume})`;
    return `${tiers.slices.map((slice) => `${money(slice.base)} at ${percent(slice.rate)}`).join(' + ')} (${volume})`;
  }
  const step = tiers.slices[0];
  if (tiers.mode === 'marginal') {
    return `${percent(step.rate)} of ${base} (call ${tiers.volume_after} of the period, in the tier above ${unit(step.from)})`;
  }
  const total = unit(tiers.period_total ?? '0');
  if (!step) return `nothing on ${base} (no retroactive tier covers a period volume of ${total})`;
  return `${percent(step.rate)} of ${base} (retroactive tier above ${unit(step.from)}, for a period volume of ${total})`;
}

function describeRule(rule: NonNullable<Explanation['rule']>): string {
  const sets = rule.rate !== null && rule.flat !== null ? 'rate and flat' : rule.rate !== null ? 'rate' : 'flat';
  return `${sets} from rule ${rule.index + 1}, matched on ${describeWhen(rule.when)}`;
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
  const negative = text.startsWith('-');
  const unsigned = negative ? text.slice(1) : text;
  const dot = unsigned.indexOf('.');
  const whole = dot === -1 ? unsigned : unsigned.slice(0, dot);
  let fraction = dot === -1 ? '' : unsigned.slice(dot + 1);
  if (fraction.length < minorDigits) fraction = fraction.padEnd(minorDigits, '0');
  let grouped = whole;
  if (whole.length > 3) {
    const groups: string[] = [];
    const head = whole.length % 3 || 3;
    groups.push(whole.slice(0, head));
    for (let index = head; index < whole.length; index += 3) groups.push(whole.slice(index, index + 3));
    grouped = groups.join(',');
  }
  return `${negative ? '-' : ''}${grouped}${fraction.length > 0 ? `.${fraction}` : ''}`;
}
