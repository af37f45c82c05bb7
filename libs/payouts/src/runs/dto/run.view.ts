import { ApiProperty } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { PaginationView } from '@app/http-platform';
import type { PayoutRunRecord, RunCounts, RunWarning, UnplannedCall } from '../payout-runs.repository';
import { ROLES } from '@app/commission-engine';
import { RUN_STATUSES } from './list-runs.query';

export class RunCountsView implements RunCounts {
  @ApiProperty({ description: 'Commissionable calls of the period' }) calls: number;
  @ApiProperty({ description: "Lines in the period's draft statements after the run" }) lines: number;
  @ApiProperty() commission_lines: number;
  @ApiProperty() adjustments: number;
  @ApiProperty() statements: number;
  @ApiProperty() payees: number;
}

export class UnplannedCallView implements UnplannedCall {
  @ApiProperty() call_id: string;
  @ApiProperty({ enum: ROLES }) role: string;
  @ApiProperty() payee_id: string;
}

const WARNING_SCHEMA: SchemaObject = {
  type: 'object',
  properties: { code: { type: 'string', example: 'clawback_window_passed' }, message: { type: 'string' } },
  required: ['code', 'message'],
  additionalProperties: true,
  description: 'Something finance should read; details beside code and message depend on the code',
};

/** A run as the API shows it (product.md, "Resource shapes"). */
export class RunView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: '2026-10' }) period: string;
  @ApiProperty({ enum: RUN_STATUSES }) status: string;
  @ApiProperty({ enum: ['manual', 'schedule', 'catch_up'] }) trigger: string;
  @ApiProperty({ description: 'Whether it synced from Aura first' }) sync: boolean;
  @ApiProperty() created_at: string;
  @ApiProperty({ type: String, nullable: true }) started_at: string | null;
  @ApiProperty({ type: String, nullable: true }) finished_at: string | null;
  @ApiProperty({ type: Number, nullable: true }) duration_ms: number | null;
  @ApiProperty({ type: String, nullable: true }) error: string | null;
  @ApiProperty({ type: RunCountsView, nullable: true }) counts: RunCountsView | null;
  @ApiProperty({ type: [UnplannedCallView], description: 'Calls of the period no plan in force covered' }) unplanned: UnplannedCallView[];
  @ApiProperty({ type: 'array', items: WARNING_SCHEMA }) warnings: RunWarning[];
}

export class RunsPageView {
  @ApiProperty({ type: [RunView] }) data: RunView[];
  @ApiProperty({ type: PaginationView }) pagination: PaginationView;
}

export function presentRun(run: PayoutRunRecord): RunView {
  return {
    id: run.id,
    period: run.period,
    status: run.status,
    trigger: run.trigger,
    sync: run.syncFirst,
    created_at: run.createdAt.toISOString(),
    started_at: run.startedAt?.toISOString() ?? null,
    finished_at: run.finishedAt?.toISOString() ?? null,
    duration_ms: run.durationMs,
    error: run.error,
    counts: run.counts,
    unplanned: run.unplanned ?? [],
    warnings: run.warnings ?? [],
  };
}
