import { ApiProperty } from '@nestjs/swagger';
import { PaginationView } from '@app/http-platform';
import type { AdjustmentRecord } from '../adjustments.repository';
import { ADJUSTMENT_CATEGORIES } from './create-adjustment.dto';

/** A manual adjustment as the API shows it; `line_id` is its line in the statement. */
export class AdjustmentView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() payee_id: string;
  @ApiProperty({ example: '2026-10' }) period: string;
  @ApiProperty({ example: '250.00', description: 'A decimal string; negative takes money back' }) amount: string;
  @ApiProperty({ example: 'USD' }) currency: string;
  @ApiProperty({ enum: ADJUSTMENT_CATEGORIES }) category: string;
  @ApiProperty() reason: string;
  @ApiProperty({ format: 'uuid' }) statement_id: string;
  @ApiProperty({ description: 'Its line in the statement' }) line_id: string;
  @ApiProperty() created_at: string;
  @ApiProperty({ type: String, nullable: true }) created_by: string | null;
  @ApiProperty({ type: String, nullable: true }) deleted_at: string | null;
  @ApiProperty({ type: String, nullable: true }) deleted_by: string | null;
}

export class AdjustmentsPageView {
  @ApiProperty({ type: [AdjustmentView] }) data: AdjustmentView[];
  @ApiProperty({ type: PaginationView }) pagination: PaginationView;
}

export function presentAdjustment(adjustment: AdjustmentRecord, lineId: string): AdjustmentView {
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
