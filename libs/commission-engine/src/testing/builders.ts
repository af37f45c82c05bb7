/**
 * Small builders for the engine's specs: a plan or a call with sensible
 * defaults, so that each table row states only what it is about.
 * Used by specs only.
 */
import type { CommissionCall } from '../commission-call';
import { computePayouts } from '../compute-payouts';
import type { RoundingMode } from '../money';
import type { Plan } from '../plan-definition';
import type { PayoutResult } from '../payout-result';

export function plan(fields: Partial<Plan> & Pick<Plan, 'roles'>): Plan {
  return {
    id: 'plan-a',
    name: 'Plan A',
    effective_from: '2026-01-01',
    effective_to: null,
    payees: null,
    priority: 0,
    self_set: 'closer_only',
    missing_setter: 'none',
    ...fields,
  };
}

/** A call; commissionAt defaults to noon UTC on its day and period to the day's month. */
export function call(id: string, fields: Partial<CommissionCall> = {}): CommissionCall {
  const commissionDay = fields.commissionDay ?? '2026-03-10';
  return {
    id,
    closerId: 'alice',
    setterId: null,
    baseAmount: '1000.00',
    commissionAt: `${commissionDay}T12:00:00.000Z`,
    period: commissionDay.slice(0, 7),
    attributes: {},
    ...fields,
    commissionDay,
  };
}

export function run(calls: CommissionCall[], plans: Plan[], options: { currency?: string; roundingMode?: RoundingMode } = {}): PayoutResult {
  return computePayouts({ calls, plans, currency: options.currency ?? 'USD', roundingMode: options.roundingMode ?? 'half_up' });
}

/** "callId role payeeId amount [planId]" per line, in the engine's order: compact to compare in tables. */
export function summary(result: PayoutResult): string[] {
  return result.lines.map((line) => `${line.callId} ${line.role} ${line.payeeId} ${line.amount} ${line.planId}`);
}
