/**
 * The shape of a commission plan exactly as product.md shows it: snake_case
 * JSON, decimal values as strings, dates as 'YYYY-MM-DD' in the commission
 * timezone. validatePlanDefinition (plan-validation.ts) is the only way in.
 */

export const ROLES = ['closer', 'setter'] as const;
export type Role = (typeof ROLES)[number];

/** The call attributes a rule's `when` may test. */
export const MATCH_FIELDS = [
  'product_id',
  'booking_link_id',
  'call_kind',
  'lead_id',
  'utm_source',
  'utm_medium',
  'utm_campaign',
  'utm_content',
  'utm_term',
  'referral',
] as const;
export type MatchField = (typeof MATCH_FIELDS)[number];

export const TIER_BASES = ['amount', 'count'] as const;
export type TierBasis = (typeof TIER_BASES)[number];

export const TIER_MODES = ['marginal', 'retroactive'] as const;
export type TierMode = (typeof TIER_MODES)[number];

export const SELF_SET_OPTIONS = ['closer_only', 'both'] as const;
export type SelfSet = (typeof SELF_SET_OPTIONS)[number];

export const MISSING_SETTER_OPTIONS = ['none', 'closer'] as const;
export type MissingSetter = (typeof MISSING_SETTER_OPTIONS)[number];

export interface TierStep {
  /** The step covers volume strictly above this value. */
  from: string;
  rate: string;
}

export interface Tiers {
  basis: TierBasis;
  mode: TierMode;
  steps: TierStep[];
}

export interface PlanRule {
  when: Partial<Record<MatchField, string[]>>;
  rate?: string;
  flat?: string;
}

export interface RoleTerms {
  rate?: string;
  flat?: string;
  tiers?: Tiers;
  rules?: PlanRule[];
  min_per_call?: string | null;
  max_per_call?: string | null;
  max_per_period?: string | null;
}

export interface PlanDefinition {
  name: string;
  effective_from: string;
  effective_to: string | null;
  payees: string[] | null;
  priority: number;
  self_set: SelfSet;
  missing_setter: MissingSetter;
  roles: { closer?: RoleTerms; setter?: RoleTerms };
}

export type Plan = PlanDefinition & { id: string };
