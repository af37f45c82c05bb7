import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { CronJob, CronTime } from 'cron';
import { DateTime } from 'luxon';
import { jobsConfig, type JobsConfig } from '@app/configuration';
import { ConflictError } from '@app/http-platform';
import { SyncService } from '@app/ingestion';
import { previousMonth, RunsService } from '@app/payouts';

export const DAILY_SYNC_JOB = 'daily-sync';
export const MONTHLY_RUN_JOB = 'monthly-run';
export const CATCH_UP_JOB = 'catch-up';
/** The catch-up looks every minute; it leaves the cron's own minute to the cron tick. */
const CATCH_UP_CRON = '30 * * * * *';
const CATCH_UP_GRACE_MS = 60_000;
const SYNC_MAX_AGE_MS = 25 * 3_600_000;

/**
 * The schedule: the daily sync (SYNC_CRON) and the monthly run of the
 * previous month (MONTHLY_RUN_CRON), in COMMISSION_TIMEZONE, unless
 * JOBS_ENABLED=false. Each tick calls one application method; the
 * application services take the locks, so on several replicas one does the
 * work and the others skip quietly.
 */
@Injectable()
export class JobsService implements OnApplicationBootstrap {
  private readonly logger = new Logger(JobsService.name);

  constructor(
    private readonly registry: SchedulerRegistry,
    private readonly sync: SyncService,
    private readonly runs: RunsService,
    @Inject(jobsConfig.KEY) private readonly config: JobsConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.enabled) {
      this.logger.log('JOBS_ENABLED=false: the daily sync and the monthly run are not scheduled');
      return;
    }
    this.schedule(DAILY_SYNC_JOB, this.config.syncCron, () => this.dailySync());
    this.schedule(MONTHLY_RUN_JOB, this.config.monthlyRunCron, () => this.monthlyRun());
    this.schedule(CATCH_UP_JOB, CATCH_UP_CRON, () => this.catchUp());
    this.logger.log(
      `Scheduled the daily sync (${this.config.syncCron}) and the monthly run (${this.config.monthlyRunCron}) in ${this.config.timezone}, and a catch-up of a missed or failed monthly run every minute`,
    );
    // At start too: a replica that was down across the cron second does the month now, not at the next minute.
    void this.catchUp();
  }

  /**
   * What the schedule owes and has not done. The daily sync, when none
   * succeeded in the last 25 hours. Then the monthly run: once this month's
   * MONTHLY_RUN_CRON moment has passed (and its minute, which belongs to the
   * cron tick), the previous month's run if none succeeded since that month
   * ended; a failed one again after its backoff, at most SCHEDULE_RETRIES
   * times (RunsService.runMissed). Across replicas the period's lock makes it once.
   */
  async catchUp(now: Date = new Date()): Promise<void> {
    try {
      // First the data: a daily sync none of which succeeded for a day (and an hour, the tick's own slack).
      await this.sync.syncIfStale(SYNC_MAX_AGE_MS, now);
    } catch (error) {
      if (!(error instanceof ConflictError)) this.logger.error({ err: error }, 'The catch-up sync failed to start');
    }
    try {
      const monthStart = DateTime.fromJSDate(now, { zone: this.config.timezone }).startOf('month');
      const due = new CronTime(this.config.monthlyRunCron, this.config.timezone).getNextDateFrom(monthStart.minus({ milliseconds: 1 })).toJSDate();
      if (now.getTime() < due.getTime() + CATCH_UP_GRACE_MS) return;
      await this.runs.runMissed(previousMonth(now, this.config.timezone), monthStart.toJSDate(), now, {
        retries: this.config.scheduleRetries,
        backoffMs: this.config.scheduleRetryMinutes * 60_000,
      });
    } catch (error) {
      this.logger.error({ err: error }, 'The catch-up of the monthly run failed to start');
    }
  }

  /** The daily sync tick. Null when another replica holds the sync. */
  async dailySync(): Promise<void> {
    try {
      const run = await this.sync.syncAndWait('schedule');
      if (run === null) this.logger.debug('Scheduled sync skipped: another replica is syncing');
    } catch (error) {
      if (error instanceof ConflictError) this.logger.debug(`Scheduled sync skipped: ${error.message}`);
      else this.logger.error({ err: error }, 'Scheduled sync failed');
    }
  }

  /** The monthly run tick: the month before now in the commission time zone. */
  async monthlyRun(firedAt: Date = new Date()): Promise<void> {
    try {
      await this.runs.runScheduled(previousMonth(firedAt, this.config.timezone), firedAt);
    } catch (error) {
      this.logger.error({ err: error }, 'Scheduled run failed to start');
    }
  }

  private schedule(name: string, cronTime: string, tick: () => Promise<void>): void {
    const job = CronJob.from({ cronTime, onTick: tick, start: false, timeZone: this.config.timezone, waitForCompletion: true, name });
    this.registry.addCronJob(name, job);
    job.start();
  }
}
