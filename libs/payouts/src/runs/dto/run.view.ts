import { ApiProperty } from '@nestjs/swagger';
import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { PaginationView } from '@app/http-platform';
import type { PayoutRunRecord, RunCounts, RunPeriods, RunWarning, UnplannedCall } from '../payout-runs.repository';
import { RECOMPUTE_REASONS } from '../recompute-plan';
import { ROLES } from '@app/commission-engine';
import { RUN_STATUSES } from './list-runs.query';

export class ComputedPeriodView {
  @ApiProperty({ example: '2026-09' }) period: string;
  @ApiProperty({ enum: RECOMPUTE_REASONS, description: 'Why the run computed it (docs/payouts.md "What a run recomputes")' }) reason: string;
}

export class RunPeriodsView implements RunPeriods {
  @ApiProperty({ type: [ComputedPeriodView], description: "The run's period and the earlier periods it computed, with why" }) computed: ComputedPeriodView[];
  @ApiProperty({ type: [String], description: 'Earlier periods nothing had changed in since they were last computed: left as they were' }) skipped: string[];
}

export class RunCountsView implements Omit<RunCounts, 'periods'> {
  @ApiProperty({ description: 'Commissionable calls of the period' }) calls: number;
  @ApiProperty({ description: "Lines in the period's draft statements after the run" }) lines: number;
  @ApiProperty() commission_lines: number;
  @ApiProperty() adjustments: number;
  @ApiProperty() statements: number;
  @ApiProperty() payees: number;
  @ApiProperty({ type: RunPeriodsView, nullable: true, description: 'Null on runs recorded before periods were' }) periods: RunPeriodsView | null;
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
  @ApiProperty({ enum: ['changed', 'all'], description: 'changed: only periods whose inputs changed; all: every candidate period' }) recompute: string;
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
    recompute: run.fullRecompute ? 'all' : 'changed',
    created_at: run.createdAt.toISOString(),
    started_at: run.startedAt?.toISOString() ?? null,
    finished_at: run.finishedAt?.toISOString() ?? null,
    duration_ms: run.durationMs,
    error: run.error,
    counts: run.counts === null ? null : { ...run.counts, periods: run.counts.periods ?? null },
    unplanned: run.unplanned ?? [],
    warnings: run.warnings ?? [],
  };
}
