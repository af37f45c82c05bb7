import { ROLES, type Plan, type PlanDefinition, type Role } from './plan-definition';

export interface PlanConflict {
  /** The existing plan the candidate would tie with. */
  plan: Plan;
  role: Role;
  /** A payee both plans name, or null when both are default plans. */
  payeeId: string | null;
  /** The first day both plans apply. */
  from: string;
  /** The day (exclusive) the overlap ends, or null when it never does. */
  to: string | null;
}

/**
 * The first existing plan that would tie with `candidate` for some
 * (role, payee, date): same priority, overlapping windows, a shared role, and
 * either both default plans or payee lists that intersect. A payee-specific
 * plan never ties with a default plan: it always beats it.
 */
export function findPlanConflict(candidate: Plan | PlanDefinition, existing: readonly Plan[]): PlanConflict | null {
  const candidateId = 'id' in candidate ? candidate.id : undefined;
  const ordered = [...existing].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const plan of ordered) {
    if (plan.id === candidateId || plan.priority !== candidate.priority) continue;
    const from = candidate.effective_from > plan.effective_from ? candidate.effective_from : plan.effective_from;
    const to = earlierEnd(candidate.effective_to, plan.effective_to);
    if (to !== null && to <= from) continue;
    const payeeId = sharedScope(candidate.payees, plan.payees);
    if (payeeId === undefined) continue;
    const role = ROLES.find((r) => candidate.roles[r] !== undefined && plan.roles[r] !== undefined);
    if (role === undefined) continue;
    return { plan, role, payeeId, from, to };
  }
  return null;
}

function earlierEnd(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a < b ? a : b;
}

/** null when both are default plans, a shared payee id, or undefined when they never compete. */
function sharedScope(a: string[] | null, b: string[] | null): string | null | undefined {
  if (a === null && b === null) return null;
  if (a === null || b === null) return undefined;
  const other = new Set(b);
  const shared = a.filter((payee) => other.has(payee)).sort();
  return shared.length > 0 ? shared[0] : undefined;
}
