import type { NewEvent } from '@app/events';
import type { StatementRecord } from './statements.repository';

/**
 * What a payroll system is told when a statement moves: enough to decide
 * whether to act, and where to fetch the rest (never the lines: they are
 * read, with the caller's own key, from the API).
 */
export function statementEvent(type: 'statement.approved' | 'statement.paid' | 'statement.reopened', statement: StatementRecord): NewEvent {
  return {
    type,
    orderingKey: `statement:${statement.id}`,
    data: {
      statement_id: statement.id,
      payee_id: statement.payeeId,
      period: statement.period,
      status: statement.status,
      version: statement.version,
      hash: statement.hash,
      currency: statement.currency,
      total: statement.total,
      approved_at: statement.approvedAt?.toISOString() ?? null,
      paid_at: statement.paidAt?.toISOString() ?? null,
      payroll_reference: statement.payrollReference,
      links: { statement: `/v1/statements/${statement.id}`, payroll_export: `/v1/payroll/exports/${statement.period}` },
    },
  };
}

/** Sent after every statement.approved of a period approval, in the same transaction. */
export function periodApprovedEvent(period: string, approved: StatementRecord[]): NewEvent {
  return {
    type: 'period.approved',
    orderingKey: `period:${period}`,
    data: {
      period,
      statements_approved: approved.length,
      links: { statements: `/v1/statements?period=${period}&status=approved`, payroll_export: `/v1/payroll/exports/${period}` },
    },
  };
}

export const EVENT_OF_STATUS = { approved: 'statement.approved', paid: 'statement.paid', draft: 'statement.reopened' } as const;
