import type { DisputeRecord } from '../disputes.repository';

export function presentDispute(dispute: DisputeRecord): Record<string, unknown> {
  return {
    id: dispute.id,
    statement_id: dispute.statementId,
    line_id: dispute.lineId,
    payee_id: dispute.payeeId,
    period: dispute.period,
    message: dispute.message,
    status: dispute.status,
    opened_by: dispute.openedBy,
    opened_role: dispute.openedRole,
    opened_at: dispute.openedAt.toISOString(),
    resolution_note: dispute.resolutionNote,
    adjustment_id: dispute.adjustmentId,
    resolved_by: dispute.resolvedBy,
    resolved_at: dispute.resolvedAt?.toISOString() ?? null,
  };
}
