import { Injectable } from '@nestjs/common';
import type { Plan } from '@app/commission-engine';
import type { DatabaseClient } from '@app/persistence';
import { PlansRepository } from './plans.repository';

/** What other contexts (payout runs) read of plans: every plan, engine-shaped. */
@Injectable()
export class PlansReader {
  constructor(private readonly plans: PlansRepository) {}

  /** Every plan, by effective_from then id; pass `tx` to read inside your own transaction. */
  async allPlans(tx?: DatabaseClient): Promise<Plan[]> {
    return (await this.plans.all(tx)).map((stored) => stored.plan);
  }
}
