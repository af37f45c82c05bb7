import type { Plan, PlanDefinition, Role } from './plan-definition';

/** effective_from inclusive, effective_to exclusive (null: open-ended); days are 'YYYY-MM-DD'. */
export function planCoversDay(plan: Pick<PlanDefinition, 'effective_from' | 'effective_to'>, day: string): boolean {
  return plan.effective_from <= day && (plan.effective_to === null || day < plan.effective_to);
}

/**
 * The plan that pays `payeeId` in `role` on `day`, or null when none does.
 * Among plans whose window holds the day and that define the role, a plan
 * naming the payee beats a default plan (payees null); then the higher
 * priority wins. Plan validation refuses real ties; should one still reach
 * the engine, the smaller plan id wins so that results stay deterministic.
 */
export function selectPlan<P extends Plan>(plans: readonly P[], role: Role, payeeId: string, day: string): P | null {
  return selectAmong(plans, (plan) => plan, role, payeeId, day);
}

function selectAmong<T>(items: readonly T[], planOf: (item: T) => Plan, role: Role, payeeId: string, day: string): T | null {
  let best: T | null = null;
  let bestPlan: Plan | null = null;
  let bestNamesPayee = false;
  for (const item of items) {
    const plan = planOf(item);
    if (!plan.roles[role] || !planCoversDay(plan, day)) continue;
    const namesPayee = plan.payees !== null && plan.payees.includes(payeeId);
    if (plan.payees !== null && !namesPayee) continue;
    if (bestPlan === null || outranks(plan, namesPayee, bestPlan, bestNamesPayee)) {
      best = item;
      bestPlan = plan;
      bestNamesPayee = namesPayee;
    }
  }
  return best;
}

function outranks(plan: Plan, namesPayee: boolean, current: Plan, currentNamesPayee: boolean): boolean {
  if (namesPayee !== currentNamesPayee) return namesPayee;
  if (plan.priority !== current.priority) return plan.priority > current.priority;
  return plan.id < current.id;
}

/**
 * selectPlan with memory, over anything that carries a plan (the engine's
 * compiled plans): a run asks the same (role, payee, day) question for many
 * calls, so each answer is worked out once.
 */
export class PlanSelector<T> {
  private readonly byRole: Record<Role, T[]>;
  private readonly answers: Record<Role, Map<string, Map<string, T | null>>> = { closer: new Map(), setter: new Map() };

  constructor(
    items: readonly T[],
    private readonly planOf: (item: T) => Plan,
  ) {
    this.byRole = {
      closer: items.filter((item) => planOf(item).roles.closer !== undefined),
      setter: items.filter((item) => planOf(item).roles.setter !== undefined),
    };
  }

  select(role: Role, payeeId: string, day: string): T | null {
    let byPayee = this.answers[role].get(day);
    if (byPayee === undefined) {
      byPayee = new Map();
      this.answers[role].set(day, byPayee);
    }
    let answer = byPayee.get(payeeId);
    if (answer === undefined) {
      answer = selectAmong(this.byRole[role], this.planOf, role, payeeId, day);
      byPayee.set(payeeId, answer);
    }
    return answer;
  }
}
