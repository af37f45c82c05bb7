export type { CommissionCall } from './commission-call';
export { computePayouts, forEachPayout, type ComputePayoutsInput, type PayoutVisitor } from './compute-payouts';
export { EngineInputError, type EngineInputProblem } from './engine-input-error';
export { describeLine, formatAmount, percent } from './explanation';
export { isPeriod, PERIOD_PATTERN, PERIOD_RULE } from './period';
export { Decimal, ROUNDING_MODES, formatMoney, minorUnitDigits, roundMoney, type RoundingMode } from './money';
export {
  MATCH_FIELDS,
  MISSING_SETTER_OPTIONS,
  ROLES,
  SELF_SET_OPTIONS,
  TIER_BASES,
  TIER_MODES,
  type MatchField,
  type MissingSetter,
  type Plan,
  type PlanDefinition,
  type PlanRule,
  type Role,
  type RoleTerms,
  type SelfSet,
  type TierBasis,
  type TierMode,
  type TierStep,
  type Tiers,
} from './plan-definition';
export { findPlanConflict, type PlanConflict } from './plan-conflict';
export { planCoversDay, selectPlan } from './plan-selection';
export { validatePlanDefinition, type PlanFieldError, type PlanValidationResult } from './plan-validation';
export type { CapApplied, CapName, Explanation, PayoutLine, PayoutResult, UnplannedPayout } from './payout-result';
export { statementTotals, type StatementTotal } from './statement-totals';
export type { TierExplanation, TierSlice } from './tiers';
