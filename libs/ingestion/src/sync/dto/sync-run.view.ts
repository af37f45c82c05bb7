import { ApiProperty } from '@nestjs/swagger';
import { PaginationView } from '@app/http-platform';
import { SYNC_TRIGGERS } from '../sync-runs.repository';

/** What one pass (payments, or Aura's team) saw and did. */
export class PassCountsView {
  @ApiProperty() received: number;
  @ApiProperty() inserted: number;
  @ApiProperty() updated: number;
  @ApiProperty() unchanged: number;
  @ApiProperty() quarantined: number;
  @ApiProperty({ description: 'Stored calls judged again because their payment changed' }) calls_judged_again: number;
  @ApiProperty() missing_upstream: number;
}

export class SyncCountsView {
  @ApiProperty() pages: number;
  @ApiProperty({ description: 'Requests to Aura, retries included' }) requests: number;
  @ApiProperty() retries: number;
  @ApiProperty({ description: "Time spent waiting on Aura's rate limit" }) rate_limit_wait_ms: number;
  @ApiProperty({ description: 'Calls received' }) received: number;
  @ApiProperty() inserted: number;
  @ApiProperty() updated: number;
  @ApiProperty() unchanged: number;
  @ApiProperty() quarantined: number;
  @ApiProperty({ description: 'Stored calls Aura no longer returned' }) missing_upstream: number;
  @ApiProperty({ type: PassCountsView }) payments: PassCountsView;
  @ApiProperty({ type: PassCountsView }) team: PassCountsView;
}

/** A sync from Aura as the API shows it. */
export class SyncRunView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: ['queued', 'running', 'succeeded', 'failed'] }) status: string;
  @ApiProperty({ enum: SYNC_TRIGGERS }) trigger: string;
  @ApiProperty() created_at: string;
  @ApiProperty({ type: String, nullable: true }) started_at: string | null;
  @ApiProperty({ type: String, nullable: true }) finished_at: string | null;
  @ApiProperty({ type: Number, nullable: true }) duration_ms: number | null;
  @ApiProperty({ type: String, nullable: true }) error: string | null;
  @ApiProperty({ description: 'How many times a restart resumed it' }) resumed: number;
  @ApiProperty({ type: SyncCountsView }) counts: SyncCountsView;
  @ApiProperty({ enum: ['calls', 'payments', 'team'], description: 'The pass its checkpoint belongs to' }) phase: string;
  @ApiProperty({ type: String, nullable: true }) cancel_requested_at: string | null;
}

export class SyncRunsPageView {
  @ApiProperty({ type: [SyncRunView] }) data: SyncRunView[];
  @ApiProperty({ type: PaginationView }) pagination: PaginationView;
}
