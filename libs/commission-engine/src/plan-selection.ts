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
  let best: P | null = null;
  let bestNamesPayee = false;
  for (const plan of plans) {
    if (!plan.roles[role] || !planCoversDay(plan, day)) continue;
    const namesPayee = plan.payees !== null && plan.payees.includes(payeeId);
    if (plan.payees !== null && !namesPayee) continue;
    if (best === null || outranks(plan, namesPayee, best, bestNamesPayee)) {
      best = plan;
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
 * selectPlan with memory: a run asks the same (role, payee, day) question
 * for many calls, so each answer is computed once.
 */
export class PlanSelector<P extends Plan> {
  private readonly byRole: Record<Role, P[]>;
  private readonly answers = new Map<string, P | null>();

  constructor(plans: readonly P[]) {
    this.byRole = {
      closer: plans.filter((plan) => plan.roles.closer !== undefined),
      setter: plans.filter((plan) => plan.roles.setter !== undefined),
    };
  }

  select(role: Role, payeeId: string, day: string): P | null {
    const key = `${role}\u0000${day}\u0000${payeeId}`;
    let answer = this.answers.get(key);
    if (answer === undefined) {
      answer = selectPlan(this.byRole[role], role, payeeId, day);
      this.answers.set(key, answer);
    }
    return answer;
  }
}
