import type { PayoutRunRecord } from '../payout-runs.repository';

/** A run as the API shows it (product.md, "Resource shapes"). */
export function presentRun(run: PayoutRunRecord): Record<string, unknown> {
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
