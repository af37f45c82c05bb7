import { EngineInputError, type EngineInputProblem } from './engine-input-error';
import { Decimal, ZERO } from './money';
import { ROLES, type MatchField, type Plan, type PlanRule, type Role, type TierBasis, type TierMode } from './plan-definition';
import type { Explanation, RuleUsed } from './payout-result';
import { validatePlanDefinition } from './plan-validation';

/** A tier step with its decimals parsed once and its upper bound known. */
export interface CompiledStep {
  index: number;
  from: Decimal;
  /** The next step's from, or null for the last step. */
  to: Decimal | null;
  rate: Decimal;
  fromText: string;
  toText: string | null;
  rateText: string;
}

export interface CompiledTiers {
  basis: TierBasis;
  mode: TierMode;
  steps: CompiledStep[];
}

export interface CompiledRule {
  index: number;
  /** What explanations show for this rule; one frozen object shared by every line it pays. */
  explanation: Readonly<RuleUsed>;
  when: PlanRule['when'];
  conditions: [MatchField, Set<string>][];
  rate: Decimal | null;
  rateText: string | null;
  flat: Decimal | null;
  flatText: string | null;
}

export interface CompiledTerms {
  rate: Decimal;
  rateText: string;
  flat: Decimal;
  flatText: string;
  tiers: CompiledTiers | null;
  rules: CompiledRule[];
  minPerCall: CompiledLimit | null;
  maxPerCall: CompiledLimit | null;
  maxPerPeriod: CompiledLimit | null;
}

export interface CompiledLimit {
  value: Decimal;
  text: string;
}

export interface CompiledPlan {
  plan: Plan;
  /** Shared by every explanation under this plan. */
  reference: Readonly<Explanation['plan']>;
  terms: Partial<Record<Role, CompiledTerms>>;
}

/**
 * Validates every plan (a run must not pay from a plan the API would have
 * refused) and parses its decimals once, so that a run over a million calls
 * never re-parses a rate.
 */
export function compilePlans(plans: readonly Plan[]): Map<string, CompiledPlan> {
  const problems: EngineInputProblem[] = [];
  const compiled = new Map<string, CompiledPlan>();
  for (const plan of plans) {
    // Only the plan's own fields: a stored plan may carry bookkeeping (created_at …) beside them.
    const { id } = plan;
    const definition = pick(plan, PLAN_FIELDS);
    if (typeof id !== 'string' || id.length === 0) {
      problems.push({ source: 'plan', id: null, field: 'id', message: 'every plan needs a non-empty string id' });
      continue;
    }
    if (compiled.has(id)) {
      problems.push({ source: 'plan', id, field: 'id', message: 'two plans share this id' });
      continue;
    }
    const validation = validatePlanDefinition(definition);
    if (!validation.ok) {
      for (const error of validation.errors) problems.push({ source: 'plan', id, field: error.field, message: error.message });
      continue;
    }
    const valid: Plan = { ...validation.plan, id };
    const terms: CompiledPlan['terms'] = {};
    for (const role of ROLES) {
      const roleTerms = valid.roles[role];
      if (roleTerms) terms[role] = compileTerms(roleTerms);
    }
    compiled.set(id, {
      plan: valid,
      reference: Object.freeze({ id, name: valid.name, priority: valid.priority, scope: valid.payees === null ? 'default' : 'payee' }),
      terms,
    });
  }
  if (problems.length > 0) throw new EngineInputError(problems);
  return compiled;
}

const PLAN_FIELDS = ['name', 'effective_from', 'effective_to', 'payees', 'priority', 'self_set', 'missing_setter', 'roles'] as const;

function pick(source: object, keys: readonly string[]): Record<string, unknown> {
  const picked: Record<string, unknown> = {};
  for (const key of keys) {
    if (key in source) picked[key] = (source as Record<string, unknown>)[key];
  }
  return picked;
}

function compileTerms(terms: NonNullable<Plan['roles'][Role]>): CompiledTerms {
  return {
    rate: terms.rate !== undefined ? new Decimal(terms.rate) : ZERO,
    rateText: terms.rate ?? '0',
    flat: terms.flat !== undefined ? new Decimal(terms.flat) : ZERO,
    flatText: terms.flat ?? '0',
    tiers: terms.tiers
      ? {
          basis: terms.tiers.basis,
          mode: terms.tiers.mode,
          steps: terms.tiers.steps.map((step, index, steps) => {
            const next = steps[index + 1];
            return {
              index,
              from: new Decimal(step.from),
              to: next ? new Decimal(next.from) : null,
              rate: new Decimal(step.rate),
              fromText: step.from,
              toText: next ? next.from : null,
              rateText: step.rate,
            };
          }),
        }
      : null,
    rules: (terms.rules ?? []).map((rule, index) => ({
      index,
      explanation: Object.freeze({ index, when: rule.when, rate: rule.rate ?? null, flat: rule.flat ?? null }),
      when: rule.when,
      conditions: Object.entries(rule.when).map(([field, values]) => [field as MatchField, new Set(values)]),
      rate: rule.rate !== undefined ? new Decimal(rule.rate) : null,
      rateText: rule.rate ?? null,
      flat: rule.flat !== undefined ? new Decimal(rule.flat) : null,
      flatText: rule.flat ?? null,
    })),
    minPerCall: limit(terms.min_per_call),
    maxPerCall: limit(terms.max_per_call),
    maxPerPeriod: limit(terms.max_per_period),
  };
}

function limit(text: string | null | undefined): CompiledLimit | null {
  return text === null || text === undefined ? null : { value: new Decimal(text), text };
}
