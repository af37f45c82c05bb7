export { SchedulingModule } from './scheduling.module';
export { JobsService, DAILY_SYNC_JOB, MONTHLY_RUN_JOB } from './jobs.service';
