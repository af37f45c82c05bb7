import { ApiProperty } from '@nestjs/swagger';
import { PaginationView } from '@app/http-platform';
import type { DisputeRecord } from '../disputes.repository';

export class DisputeView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) statement_id: string;
  @ApiProperty({ type: String, nullable: true, description: 'The line questioned; null for the whole statement' }) line_id: string | null;
  @ApiProperty() payee_id: string;
  @ApiProperty({ example: '2026-10' }) period: string;
  @ApiProperty() message: string;
  @ApiProperty({ enum: ['open', 'accepted', 'rejected'] }) status: string;
  @ApiProperty({ description: 'The API key that opened it' }) opened_by: string;
  @ApiProperty({ enum: ['admin', 'finance', 'payee'] }) opened_role: string;
  @ApiProperty() opened_at: string;
  @ApiProperty({ type: String, nullable: true }) resolution_note: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The manual adjustment that settled it' }) adjustment_id: string | null;
  @ApiProperty({ type: String, nullable: true }) resolved_by: string | null;
  @ApiProperty({ type: String, nullable: true }) resolved_at: string | null;
}

export class DisputesPageView {
  @ApiProperty({ type: [DisputeView] }) data: DisputeView[];
  @ApiProperty({ type: PaginationView }) pagination: PaginationView;
}

export function presentDispute(dispute: DisputeRecord): DisputeView {
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
