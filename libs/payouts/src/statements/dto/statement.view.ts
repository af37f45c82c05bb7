import { ApiProperty } from '@nestjs/swagger';
import { PaginationView } from '@app/http-platform';
import { DisputeView } from '../../disputes/dto/dispute.view';
import { LINE_KINDS } from '../../ledger/period-ledger';
import type { StatementLineRecord, StatementRecord } from '../statements.repository';
import { ROLES } from '@app/commission-engine';

const MONEY = { pattern: '^-?\\d+(\\.\\d+)?$', example: '1234.50', description: 'A decimal string' };

/** A statement as the API shows it (product.md, "Resource shapes"); money as decimal strings. */
export class StatementView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'user_2abc123xyz' }) payee_id: string;
  @ApiProperty({ type: String, nullable: true, description: "From Aura's team; null while Aura does not list the payee" }) payee_name: string | null;
  @ApiProperty({ example: '2026-10' }) period: string;
  @ApiProperty({ description: '1, or more for a supplementary statement of an approved period' }) sequence: number;
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiProperty({ enum: ['draft', 'approved', 'paid'] }) status: string;
  @ApiProperty(MONEY) commission_total: string;
  @ApiProperty(MONEY) adjustment_total: string;
  @ApiProperty(MONEY) total: string;
  @ApiProperty({ description: 'Goes up by one each time a run rewrites the draft' }) version: number;
  @ApiProperty({ description: 'sha256 of the lines (docs/payouts.md "Statements")' }) hash: string;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) run_id: string | null;
  @ApiProperty() created_at: string;
  @ApiProperty() updated_at: string;
  @ApiProperty({ type: String, nullable: true }) approved_at: string | null;
  @ApiProperty({ type: String, nullable: true }) approved_by: string | null;
  @ApiProperty({ type: String, nullable: true }) paid_at: string | null;
  @ApiProperty({ type: String, nullable: true }) paid_by: string | null;
  @ApiProperty({ type: String, nullable: true }) payroll_reference: string | null;
}

/** One line of a statement, with the explanation of how it was computed. */
export class LineView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'commission:call_1:closer:user_2abc123xyz' }) line_key: string;
  @ApiProperty({ type: String, nullable: true, description: 'Null for a manual or carried line' }) call_id: string | null;
  @ApiProperty({ type: String, nullable: true }) call_period: string | null;
  @ApiProperty({ type: String, nullable: true, enum: ROLES }) role: string | null;
  @ApiProperty({ enum: LINE_KINDS }) kind: string;
  @ApiProperty({ description: 'Order within the statement' }) position: number;
  @ApiProperty({ ...MONEY, type: String, nullable: true }) base_amount: string | null;
  @ApiProperty(MONEY) amount: string;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) plan_id: string | null;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) adjusts_line_id: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'How the amount was reached, with a `sentence` (docs/domain.md)' })
  explanation: Record<string, unknown>;
}

export class LineCountsView {
  @ApiProperty() commission: number;
  @ApiProperty() adjustment: number;
  @ApiProperty() manual: number;
  @ApiProperty() carry_forward: number;
  @ApiProperty() carried_in: number;
}

/** GET /v1/statements/:id: the statement, its line counts and disputes, and its first 100 lines. */
export class StatementDetailView extends StatementView {
  @ApiProperty() line_count: number;
  @ApiProperty({ type: LineCountsView }) line_counts: LineCountsView;
  @ApiProperty({ type: [LineView], description: 'The first 100 lines; the rest from GET /v1/statements/{id}/lines' }) lines: LineView[];
  @ApiProperty({ type: PaginationView }) lines_pagination: PaginationView;
  @ApiProperty({ type: [DisputeView] }) disputes: DisputeView[];
}

export class StatementsPageView {
  @ApiProperty({ type: [StatementView] }) data: StatementView[];
  @ApiProperty({ type: PaginationView }) pagination: PaginationView;
}

/** POST /v1/periods/{period}/approve: the drafts it approved. */
export class PeriodApprovalView {
  @ApiProperty({ example: '2026-10' }) period: string;
  @ApiProperty({ description: 'How many drafts were approved (0 when there was none)' }) approved: number;
  @ApiProperty({ type: [StatementView] }) data: StatementView[];
}

export class LinesPageView {
  @ApiProperty({ type: [LineView] }) data: LineView[];
  @ApiProperty({ type: PaginationView }) pagination: PaginationView;
}

export function presentStatement(statement: StatementRecord, payeeName: string | null = null): StatementView {
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

export function presentLine(line: StatementLineRecord): LineView {
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
