import type { RoundingMode } from './money';
import type { PlanRule, Role } from './plan-definition';
import type { TierExplanation } from './tiers';

export type CapName = 'min_per_call' | 'max_per_call' | 'max_per_period';

export interface CapApplied {
  cap: CapName;
  limit: string;
  /** The line before the cap bound it, and after. */
  before: string;
  after: string;
  /** max_per_period only: the payee's rounded lines in the role and period before this one. */
  period_paid_before?: string;
}

export interface RuleUsed {
  index: number;
  when: PlanRule['when'];
  rate: string | null;
  flat: string | null;
}

/**
 * Why a line is what it is. JSON-serialisable: strings, numbers, booleans,
 * null, arrays and objects only; every decimal is a string. Parts that are
 * the same for many lines (plan, rule, an empty caps list) are shared and
 * frozen: treat explanations as read-only.
 */
export interface Explanation {
  plan: { id: string; name: string; priority: number; scope: 'payee' | 'default' };
  role: Role;
  payee_id: string;
  call_id: string;
  period: string;
  currency: string;
  /** Set on a setter line paid to the call's closer: a self-set call (self_set both) or a call without setter (missing_setter closer). */
  credited_as?: 'self_set' | 'missing_setter';
  base: string;
  /** The call's base before a partial refund, the share refunded, and `base` (the effective base) after it. */
  refund?: { gross_base: string; refunded_share: string; effective_base: string };
  rate_source: 'role_rate' | 'rule' | 'tiers';
  /** The first matching rule, when one matched (index is its position in rules, from 0). */
  rule?: RuleUsed;
  /** The rate applied to the whole base, when a single one was (absent for marginal amount tiers). */
  rate?: string;
  tiers?: TierExplanation;
  /** The rate part: base × rate, or the tier slices' sum. */
  rate_amount: string;
  flat: string;
  flat_source: 'role_flat' | 'rule';
  /** rate part + flat, before caps and rounding. */
  unrounded: string;
  /** The caps that changed the line, in the order applied (empty when none did). Read-only. */
  caps: readonly CapApplied[];
  /** Rounding of the line once min/max per call are applied; max_per_period (if it binds) comes after. */
  rounding: { mode: RoundingMode; minor_unit_digits: number; unrounded: string; rounded: string };
  /** The line's final amount. */
  amount: string;
  sentence: string;
}

export interface PayoutLine {
  callId: string;
  payeeId: string;
  role: Role;
  planId: string;
  planName: string;
  period: string;
  commissionAt: string;
  baseAmount: string;
  /** Rounded to the currency's minor unit, fixed decimals: "190.61". */
  amount: string;
  explanation: Explanation;
}

export interface UnplannedPayout {
  callId: string;
  role: Role;
  payeeId: string;
  period: string;
}

export interface PayoutResult {
  /** Sorted by period, payeeId, role, commission instant, callId. */
  lines: PayoutLine[];
  /** (call, role, payee) that should be paid but no plan covers: the run reports them as no_plan. Sorted like lines. */
  unplanned: UnplannedPayout[];
}
