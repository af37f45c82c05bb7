import type { AdjustmentRecord } from '../adjustments.repository';

/** A manual adjustment as the API shows it; `line_id` is its line in the statement. */
export function presentAdjustment(adjustment: AdjustmentRecord, lineId: string): Record<string, unknown> {
  return {
    id: adjustment.id,
    payee_id: adjustment.payeeId,
    period: adjustment.period,
    amount: adjustment.amount,
    currency: adjustment.currency,
    category: adjustment.category,
    reason: adjustment.reason,
    statement_id: adjustment.statementId,
    line_id: lineId,
    created_at: adjustment.createdAt.toISOString(),
    created_by: adjustment.createdBy,
    deleted_at: adjustment.deletedAt?.toISOString() ?? null,
    deleted_by: adjustment.deletedBy,
  };
}
