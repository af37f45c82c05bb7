import { ApiProperty } from '@nestjs/swagger';
import { MISSING_SETTER_OPTIONS, SELF_SET_OPTIONS, type MissingSetter, type PlanDefinition, type SelfSet } from '@app/commission-engine';
import type { StoredPlan } from '../plans.repository';
import { PaginationView } from '@app/http-platform';

/** A stored plan as the API shows it: the plan JSON as validated (decimals untouched), plus its id and provenance. */
export class PlanView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty({ format: 'date', description: 'First day the plan applies (inclusive)' }) effective_from: string;
  @ApiProperty({ format: 'date', nullable: true, type: String, description: 'First day the plan no longer applies; null: open-ended' })
  effective_to: string | null;
  @ApiProperty({ type: [String], nullable: true, description: 'Payee ids; null for a default plan' }) payees: string[] | null;
  @ApiProperty() priority: number;
  @ApiProperty({ enum: SELF_SET_OPTIONS }) self_set: SelfSet;
  @ApiProperty({ enum: MISSING_SETTER_OPTIONS }) missing_setter: MissingSetter;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Terms per role (closer, setter); decimals as strings' })
  roles: PlanDefinition['roles'];
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ nullable: true, type: String, description: 'Id of the API key that created the plan' }) created_by: string | null;
}

export class PlansPageView {
  @ApiProperty({ type: [PlanView] }) data: PlanView[];
  @ApiProperty({ type: PaginationView }) pagination: PaginationView;
}

export function toPlanView(stored: StoredPlan): PlanView {
  const { plan } = stored;
  return {
    id: plan.id,
    name: plan.name,
    effective_from: plan.effective_from,
    effective_to: plan.effective_to,
    payees: plan.payees,
    priority: plan.priority,
    self_set: plan.self_set,
    missing_setter: plan.missing_setter,
    roles: plan.roles,
    created_at: stored.createdAt.toISOString(),
    created_by: stored.createdBy,
  };
}
