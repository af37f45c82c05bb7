import { Inject, Injectable } from '@nestjs/common';
import {
  computePayouts,
  Decimal,
  formatMoney,
  statementTotals,
  type CommissionCall,
  type Plan,
  type PayoutResult,
  type UnplannedPayout,
} from '@app/commission-engine';
import { commissionConfig, type CommissionConfig } from '@app/configuration';
import type { PlanPreviewRequest } from './dto/plan-preview.pipe';
import type { PayeePreviewView, PlanPreviewView, UnplannedPreviewView } from './dto/plan-preview.view';
import { refuseTies } from './plan-ties';
import { PlansRepository } from './plans.repository';
import { PREVIEW_CALL_SOURCE, type PreviewCallSource } from './preview-call-source';

/** The id the proposed plan has in a preview's explanations; never stored. */
export const PROPOSED_PLAN_ID = 'proposed';

/**
 * What-if: a period's stored calls paid under the plans in force, and again
 * with a proposed plan added as if created. Reads only; writes nothing.
 */
@Injectable()
export class PlanPreviewService {
  constructor(
    private readonly plans: PlansRepository,
    @Inject(PREVIEW_CALL_SOURCE) private readonly calls: PreviewCallSource,
    @Inject(commissionConfig.KEY) private readonly config: CommissionConfig,
  ) {}

  async preview({ period, plan }: PlanPreviewRequest): Promise<PlanPreviewView> {
    const existing = (await this.plans.all()).map((stored) => stored.plan);
    refuseTies(plan, existing);
    const calls = await this.calls.commissionCallsForPeriods([period]);
    const current = this.pay(calls, existing);
    const proposed = this.pay(calls, [...existing, { ...plan, id: PROPOSED_PLAN_ID }]);

    const { currency } = this.config;
    const currentByPayee = totalsByPayee(current, currency);
    const proposedByPayee = totalsByPayee(proposed, currency);
    const payeeIds = [...new Set([...currentByPayee.keys(), ...proposedByPayee.keys()])].sort(compareText);
    const zero = formatMoney(new Decimal(0), currency);
    const payees: PayeePreviewView[] = payeeIds.map((payeeId) => {
      const before = currentByPayee.get(payeeId) ?? zero;
      const after = proposedByPayee.get(payeeId) ?? zero;
      return { payee_id: payeeId, current_total: before, proposed_total: after, difference: difference(after, before, currency) };
    });
    const currentTotal = sum(
      payees.map((payee) => payee.current_total),
      currency,
    );
    const proposedTotal = sum(
      payees.map((payee) => payee.proposed_total),
      currency,
    );
    return {
      period,
      currency,
      payees,
      totals: { current: currentTotal, proposed: proposedTotal, difference: difference(proposedTotal, currentTotal, currency) },
      unplanned_current: current.unplanned.map(toUnplannedView),
      unplanned_proposed: proposed.unplanned.map(toUnplannedView),
    };
  }

  private pay(calls: CommissionCall[], plans: Plan[]): PayoutResult {
    return computePayouts({ calls, plans, currency: this.config.currency, roundingMode: this.config.roundingMode });
  }
}

/** Each payee's total: the sum of their rounded lines (never re-rounded). */
function totalsByPayee(result: PayoutResult, currency: string): Map<string, string> {
  const totals = new Map<string, Decimal>();
  for (const statement of statementTotals(result.lines, currency)) {
    totals.set(statement.payeeId, (totals.get(statement.payeeId) ?? new Decimal(0)).plus(statement.total));
  }
  return new Map([...totals].map(([payeeId, total]) => [payeeId, formatMoney(total, currency)]));
}

function sum(amounts: string[], currency: string): string {
  return formatMoney(
    amounts.reduce((total, amount) => total.plus(amount), new Decimal(0)),
    currency,
  );
}

function difference(after: string, before: string, currency: string): string {
  return formatMoney(new Decimal(after).minus(before), currency);
}

function toUnplannedView(unplanned: UnplannedPayout): UnplannedPreviewView {
  return { call_id: unplanned.callId, role: unplanned.role, payee_id: unplanned.payeeId };
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
