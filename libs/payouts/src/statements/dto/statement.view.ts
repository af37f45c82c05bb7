import type { StatementLineRecord, StatementRecord } from '../statements.repository';

/** A statement as the API shows it (product.md, "Resource shapes"); money as decimal strings. */
export function presentStatement(statement: StatementRecord, payeeName: string | null = null): Record<string, unknown> {
  return {
    id: statement.id,
    payee_id: statement.payeeId,
    payee_name: payeeName,
    period: statement.period,
    sequence: statement.sequence,
    currency: statement.currency,
    status: statement.status,
    commission_total: statement.commissionTotal,
    adjustment_total: statement.adjustmentTotal,
    total: statement.total,
    version: statement.version,
    hash: statement.hash,
    run_id: statement.runId,
    created_at: statement.createdAt.toISOString(),
    updated_at: statement.updatedAt.toISOString(),
    approved_at: statement.approvedAt?.toISOString() ?? null,
    approved_by: statement.approvedBy,
    paid_at: statement.paidAt?.toISOString() ?? null,
    paid_by: statement.paidBy,
    payroll_reference: statement.payrollReference,
  };
}

export function presentLine(line: StatementLineRecord): Record<string, unknown> {
  return {
    id: line.id,
    line_key: line.lineKey,
    call_id: line.callId,
    call_period: line.callPeriod,
    role: line.role,
    kind: line.kind,
    position: line.position,
    base_amount: line.baseAmount,
    amount: line.amount,
    plan_id: line.planId,
    adjusts_line_id: line.adjustsLineId,
    explanation: line.explanation,
  };
}
