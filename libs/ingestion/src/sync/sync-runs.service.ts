import { Injectable } from '@nestjs/common';
import { decodeCursor, NotFoundError, Page, toPage } from '@app/http-platform';
import { QuarantineRepository, QuarantinedRecordView } from '../quarantine/quarantine.repository';
import { SyncRunRecord, SyncRunsRepository } from './sync-runs.repository';
import { SyncRunView } from './dto/sync-run.view';
import { QuarantinedRecordApiView } from './dto/quarantined-record.view';

/** Reading sync runs and the quarantine. */
@Injectable()
export class SyncRunsService {
  constructor(
    private readonly runs: SyncRunsRepository,
    private readonly quarantine: QuarantineRepository,
  ) {}

  async list(limit: number, cursor?: string): Promise<Page<SyncRunView>> {
    const key = decodeCursor(cursor, ['instant', 'uuid'] as const);
    const rows = await this.runs.list(limit, key ? { createdAt: key[0], id: key[1] } : null);
    return toPage(rows, limit, (row) => [row.createdAt.toISOString(), row.id], presentSyncRun);
  }

  async get(id: string): Promise<SyncRunView> {
    const run = await this.runs.find(id);
    if (!run) throw new NotFoundError('Sync run', id);
    return presentSyncRun(run);
  }

  async quarantined(
    filter: { syncRunId?: string; reason?: string; resource?: string },
    limit: number,
    cursor?: string,
  ): Promise<Page<QuarantinedRecordApiView>> {
    const key = decodeCursor(cursor, ['sequence'] as const);
    const rows = await this.quarantine.list(filter, limit, key ? key[0] : null);
    return toPage(rows, limit, (row) => [row.id], presentQuarantined);
  }
}

export function presentSyncRun(run: SyncRunRecord): SyncRunView {
  return {
    id: run.id,
    status: run.status,
    trigger: run.trigger,
    created_at: run.createdAt.toISOString(),
    started_at: run.startedAt?.toISOString() ?? null,
    finished_at: run.finishedAt?.toISOString() ?? null,
    duration_ms: run.durationMs,
    error: run.error,
    resumed: run.resumedCount,
    counts: {
      pages: run.pages,
      requests: run.requests,
      retries: run.retries,
      rate_limit_wait_ms: run.rateLimitWaitMs,
      received: run.received,
      inserted: run.inserted,
      updated: run.updated,
      unchanged: run.unchanged,
      quarantined: run.quarantined,
      missing_upstream: run.missingUpstream,
      payments: run.payments,
      team: run.team,
    },
    phase: run.phase,
    cancel_requested_at: run.cancelRequestedAt?.toISOString() ?? null,
  };
}

function presentQuarantined(row: QuarantinedRecordView): QuarantinedRecordApiView {
  return {
    id: row.id,
    resource: row.resource,
    upstream_id: row.upstreamId,
    reason: row.reason,
    field: row.field,
    message: row.message,
    raw: row.raw,
    raw_text: row.rawText,
    first_seen_at: row.firstSeenAt.toISOString(),
    last_seen_at: row.lastSeenAt.toISOString(),
    last_sync_run_id: row.lastSyncRunId,
    times_seen: row.timesSeen,
  };
}
