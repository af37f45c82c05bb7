import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { ConflictError } from '@app/http-platform';
import { SyncService } from '@app/ingestion';
import { EventOutbox } from '@app/events';
import { Metrics } from '@app/observability';
import { DatabaseService, describeFailure, ExclusiveLock } from '@app/persistence';
import { PayoutRunRecord, PayoutRunsRepository, RunTrigger, RunWarning } from './payout-runs.repository';
import { runEvent } from './run-events';
import { RunExecutor } from './run-executor';

export const INTERRUPTED_MESSAGE = 'interrupted: the process stopped mid-run; nothing it computed was written';

/** How long a refused start looks for the winner's run row (it may not be inserted yet). */
const WINNER_LOOKUP_MS = 2_000;
/** Replicas' clocks and cron timers differ a little: a scheduled run this recent answered the same tick. */
const SCHEDULE_TICK_TOLERANCE_MS = 60_000;

type Refusal = { activeRunId: string | null; reason: 'locked' | 'already_run' | 'gave_up' | 'backing_off' };

/** How the schedule retries its run of a month: at most `retries` more tries, waiting `backoffMs`, then twice that, and so on. */
export interface RetryPolicy {
  retries: number;
  backoffMs: number;
}
type Launch = { run: PayoutRunRecord; done: Promise<unknown> } | ({ run: null } & Refusal);

/**
 * Starting, scheduling and finishing payout runs. One run per period at a
 * time across every replica: the period's ExclusiveLock (a PostgreSQL
 * advisory lock, in-process on PGlite) is held for the whole run, and the
 * run row's unique `active_period` is the defence in depth.
 */
@Injectable()
export class RunsService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RunsService.name);
  private readonly inFlight = new Set<Promise<unknown>>();
  /** Periods whose retries ran out, reported once per process (the catch-up tick asks every minute). */
  private readonly reportedGiveUps = new Set<string>();

  constructor(
    private readonly lock: ExclusiveLock,
    private readonly runs: PayoutRunsRepository,
    private readonly executor: RunExecutor,
    private readonly sync: SyncService,
    private readonly metrics: Metrics,
    private readonly database: DatabaseService,
    private readonly events: EventOutbox,
  ) {
    metrics.gaugeFromDatabase(
      'commissions_last_successful_run_timestamp_seconds',
      'When the last payout run that succeeded finished, of any period (Unix seconds; 0 when none has)',
      async () => {
        const at = await this.runs.lastSucceededAt();
        return at === null ? 0 : at.getTime() / 1_000;
      },
    );
  }

  /** Marks failed the runs a crash left "running" whose lock nobody holds any more. */
  async onApplicationBootstrap(): Promise<void> {
    try {
      for (const run of await this.runs.allActive()) {
        await this.lock.tryWithLock(lockName(run.period), () => this.failInterrupted(run.period));
      }
    } catch (error) {
      this.logger.error({ err: error }, 'Could not check for interrupted runs');
    }
  }

  /** Lets runs in progress finish before the database closes. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  /** Starts a run in the background and returns it at once; ConflictError names the run already running. */
  async start(request: { period: string; sync: boolean; fullRecompute?: boolean }): Promise<PayoutRunRecord> {
    const started = await this.launch(request.period, 'manual', request.sync, null, request.fullRecompute ?? false);
    if (started.run) return started.run;
    const running = started.activeRunId;
    throw new ConflictError(`A run of ${request.period} is already running${running ? ` (${running})` : ''}`, [{ running_run_id: running }]);
  }

  /**
   * The scheduled run of a period, to its end. Returns null, quietly, when
   * another replica holds the period or has already answered this tick.
   */
  async runScheduled(period: string, firedAt: Date = new Date()): Promise<PayoutRunRecord | null> {
    const since = new Date(firedAt.getTime() - SCHEDULE_TICK_TOLERANCE_MS);
    const started = await this.launch(period, 'schedule', false, async () => {
      const already = await this.runs.scheduledSince(period, since);
      return already ? { activeRunId: already.id, reason: 'already_run' } : null;
    });
    if (!started.run) {
      this.logger.debug(
        started.reason === 'locked'
          ? `Scheduled run of ${period} skipped: another replica is running it${started.activeRunId ? ` (${started.activeRunId})` : ''}`
          : `Scheduled run of ${period} skipped: another replica already ran it for this tick (${started.activeRunId})`,
      );
      return null;
    }
    await started.done;
    return this.runs.find(started.run.id);
  }

  /**
   * The schedule's run of `period` when it did not happen: no run of it
   * succeeded (or is running) since the period ended, `periodEnd`. A failed
   * scheduled or caught-up run is tried again after its backoff, at most
   * `policy.retries` times; then the month is left failed and reported.
   * Returns the run, or null when there was nothing to do (or another
   * replica is doing it). Does not wait for the run to finish.
   */
  async runMissed(period: string, periodEnd: Date, now: Date, policy: RetryPolicy): Promise<PayoutRunRecord | null> {
    const started = await this.launch(period, 'catch_up', false, async () => {
      const since = await this.runs.createdSince(period, periodEnd);
      const done = since.find((run) => run.status === 'succeeded' || run.status === 'running');
      if (done) return { activeRunId: done.id, reason: 'already_run' };
      const failures = since.filter((run) => run.status === 'failed' && run.trigger !== 'manual');
      if (failures.length > policy.retries) return { activeRunId: failures[failures.length - 1].id, reason: 'gave_up' };
      const last = failures[failures.length - 1];
      if (last && now.getTime() < (last.finishedAt ?? last.createdAt).getTime() + policy.backoffMs * 2 ** (failures.length - 1)) {
        return { activeRunId: last.id, reason: 'backing_off' };
      }
      return null;
    });
    if (!started.run) {
      if (started.reason === 'gave_up' && !this.reportedGiveUps.has(period)) {
        this.reportedGiveUps.add(period);
        this.logger.error(
          `The scheduled run of ${period} failed ${policy.retries + 1} times (last ${started.activeRunId}); not retried again: start one by hand`,
        );
      }
      return null;
    }
    this.logger.warn(`Catching up: the run of ${period} did not happen on schedule (the service was down, or it failed); run ${started.run.id} started`);
    return started.run;
  }

  private async launch(
    period: string,
    trigger: RunTrigger,
    syncFirst: boolean,
    refuse: (() => Promise<Refusal | null>) | null,
    fullRecompute = false,
  ): Promise<Launch> {
    const { answer, done } = await this.lock.startInBackground<PayoutRunRecord | Refusal>(
      lockName(period),
      async () => {
        await this.failInterrupted(period); // we hold the lock: their process is gone
        const refusal = refuse ? await refuse() : null;
        if (refusal) return { answer: refusal };
        const run = await this.runs.create({ period, trigger, syncFirst, fullRecompute, at: new Date() });
        return { answer: run, continueWith: () => this.execute(run) };
      },
      async () => ({ activeRunId: await this.winnerOf(period), reason: 'locked' as const }),
      (error) => this.logger.error({ err: error }, `Run of ${period} failed outside its run`),
    );
    this.inFlight.add(done);
    void done.finally(() => this.inFlight.delete(done));
    return 'reason' in answer ? { run: null, ...answer } : { run: answer, done };
  }

  /** The run holding the period: the winner may not have inserted its row yet, so look for a moment. */
  private async winnerOf(period: string): Promise<string | null> {
    const deadline = Date.now() + WINNER_LOOKUP_MS;
    for (;;) {
      const active = await this.runs.findActive(period);
      if (active) return active.id;
      if (Date.now() > deadline) return null;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  private async execute(run: PayoutRunRecord): Promise<void> {
    const warnings: RunWarning[] = [];
    let finished: PayoutRunRecord | null;
    try {
      if (run.syncFirst) await this.syncFirst(warnings);
      finished = await this.executor.execute(run, warnings);
      this.logger.log(`Run ${run.id} of ${run.period} succeeded in ${finished.durationMs} ms`);
    } catch (error) {
      const message = describeFailure(error);
      finished = await this.database.transaction(async (tx) => {
        const failed = await this.runs.finish(run.id, { status: 'failed', error: message, warnings, finishedAt: new Date() }, tx);
        await this.events.publish(tx, [runEvent(failed)]);
        return failed;
      });
      this.logger.error({ err: error }, `Run ${run.id} of ${run.period} failed: ${message}`);
    }
    if (finished) this.report(finished);
  }

  /**
   * Marks failed the period's run whose process is gone (call it holding the
   * period's lock); payroll is told (run.failed) as for any failed run.
   */
  private async failInterrupted(period: string): Promise<void> {
    const orphans = await this.database.transaction(async (tx) => {
      const failed = await this.runs.failInterrupted(tx, period, new Date(), INTERRUPTED_MESSAGE);
      await this.events.publish(tx, failed.map(runEvent));
      return failed;
    });
    if (orphans.length === 0) return;
    this.logger.warn(`Run ${orphans.map((run) => run.id).join(', ')} of ${period} was interrupted by a stop; marked failed`);
    for (const orphan of orphans) this.report(orphan);
  }

  private report(finished: PayoutRunRecord): void {
    if (finished.status !== 'succeeded' && finished.status !== 'failed') return;
    this.metrics.runFinished({
      outcome: finished.status,
      trigger: finished.trigger,
      seconds: (finished.durationMs ?? 0) / 1_000,
      calls: finished.counts?.calls ?? 0,
      commissionLines: finished.counts?.commission_lines ?? 0,
      adjustments: finished.counts?.adjustments ?? 0,
    });
  }

  private async syncFirst(warnings: RunWarning[]): Promise<void> {
    let synced: Awaited<ReturnType<SyncService['syncAndWait']>>;
    try {
      synced = await this.sync.syncAndWait('run');
    } catch (error) {
      throw new Error(`The sync before the run failed: ${describeFailure(error)}`, { cause: error });
    }
    if (synced === null) {
      warnings.push({ code: 'sync_skipped', message: 'Another replica was syncing, so this run did not sync first; it used the calls already stored' });
      return;
    }
    if (synced.status !== 'succeeded') throw new Error(`The sync before the run failed (sync run ${synced.id}): ${synced.error ?? synced.status}`);
  }
}

export function lockName(period: string): string {
  return `run:${period}`;
}
