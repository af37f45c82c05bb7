import { findPlanConflict, type Plan, type PlanDefinition } from '@app/commission-engine';
import { ConflictError } from '@app/http-platform';

/**
 * Refuses a plan that would tie with an existing one for some payee, role
 * and date (same scope, same priority, overlapping windows): the 409 names
 * the other plan and says where they meet.
 */
export function refuseTies(candidate: PlanDefinition, existing: readonly Plan[]): void {
  const conflict = findPlanConflict(candidate, existing);
  if (conflict === null) return;
  const other = conflict.plan;
  const who = conflict.payeeId === null ? 'every payee without a plan of their own (both are default plans)' : `payee ${conflict.payeeId}`;
  throw new ConflictError(
    `Plan would tie with plan '${other.name}' (id ${other.id}) for ${who} on ${conflict.from} as ${conflict.role}; ` + 'give it another priority or window',
    [
      {
        conflicting_plan_id: other.id,
        conflicting_plan_name: other.name,
        role: conflict.role,
        payee_id: conflict.payeeId,
        overlap_from: conflict.from,
        overlap_to: conflict.to,
        priority: other.priority,
      },
    ],
  );
}
