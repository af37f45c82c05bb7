import { Injectable } from '@nestjs/common';
import type { PlanDefinition } from '@app/commission-engine';
import type { Principal } from '@app/access';
import { decodeCursor, NotFoundError, Page, toPage, ValidationFailedError } from '@app/http-platform';
import { DatabaseService } from '@app/persistence';
import { toPlanView, type PlanView } from './dto/plan.view';
import { refuseTies } from './plan-ties';
import { PlanFilter, PlansRepository } from './plans.repository';

@Injectable()
export class PlansService {
  constructor(
    private readonly database: DatabaseService,
    private readonly plans: PlansRepository,
  ) {}

  /**
   * Stores a validated plan unless it would tie with another. Plan writes are
   * serialised (advisory lock) so that two tying plans sent at once cannot
   * both pass the check.
   */
  async create(definition: PlanDefinition, principal: Principal): Promise<PlanView> {
    const stored = await this.database.transaction(async (tx) => {
      await this.plans.lockPlanWrites(tx);
      const existing = await this.plans.all(tx);
      refuseTies(
        definition,
        existing.map((other) => other.plan),
      );
      return this.plans.insert(definition, principal.keyId, tx);
    });
    return toPlanView(stored);
  }

  async list(filter: PlanFilter, limit: number, cursor?: string): Promise<Page<PlanView>> {
    const key = decodeCursor(cursor, ['day', 'uuid'] as const);
    const after = key ? { effectiveFrom: key[0], id: key[1] } : null;
    const rows = await this.plans.list(filter, limit, after);
    return toPage(rows, limit, (row) => [row.plan.effective_from, row.plan.id], toPlanView);
  }

  async get(id: string): Promise<PlanView> {
    const stored = await this.plans.findById(id);
    if (!stored) throw new NotFoundError('Plan', id);
    return toPlanView(stored);
  }

  /**
   * Sets or moves earlier the day the plan stops applying. Ending a plan
   * earlier only takes days away from it, so it can never create a tie.
   * Sending the end it already has changes nothing.
   */
  async end(id: string, effectiveTo: string): Promise<PlanView> {
    const stored = await this.database.transaction(async (tx) => {
      await this.plans.lockPlanWrites(tx);
      const current = await this.plans.findById(id, tx);
      if (!current) throw new NotFoundError('Plan', id);
      const { effective_from: from, effective_to: to } = current.plan;
      if (effectiveTo <= from) {
        throw new ValidationFailedError([
          { field: 'effective_to', message: `must be after effective_from (${from}); effective_to is the first day the plan no longer applies` },
        ]);
      }
      if (to !== null && effectiveTo > to) {
        throw new ValidationFailedError([
          {
            field: 'effective_to',
            message: `can only be moved earlier: the plan already ends on ${to}; to pay on later days, create a new plan`,
          },
        ]);
      }
      if (effectiveTo === to) return current;
      return this.plans.setEffectiveTo(current, effectiveTo, tx);
    });
    return toPlanView(stored);
  }
}
