import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { IngestionModule } from '@app/ingestion';
import { PayoutsModule } from '@app/payouts';
import { JobsService } from './jobs.service';

/** A thin jobs module: cron ticks that call application services, behind JOBS_ENABLED. */
@Module({
  imports: [ScheduleModule.forRoot(), IngestionModule, PayoutsModule],
  providers: [JobsService],
  exports: [JobsService],
})
export class SchedulingModule {}
