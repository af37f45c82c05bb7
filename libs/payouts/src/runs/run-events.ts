import type { NewEvent } from '@app/events';
import type { PayoutRunRecord } from './payout-runs.repository';

/** run.succeeded / run.failed: the run's outcome as GET /v1/runs/:id shows it, without its lists. */
export function runEvent(run: PayoutRunRecord): NewEvent {
  return {
    type: run.status === 'succeeded' ? 'run.succeeded' : 'run.failed',
    orderingKey: `run:${run.id}`,
    data: {
      run_id: run.id,
      period: run.period,
      status: run.status,
      trigger: run.trigger,
      finished_at: run.finishedAt?.toISOString() ?? null,
      counts: run.counts,
      warnings: run.warnings?.length ?? 0,
      error: run.error,
      links: { run: `/v1/runs/${run.id}`, statements: `/v1/statements?period=${run.period}` },
    },
  };
}
