import { Module } from '@nestjs/common';
import { AccessModule } from '@app/access';
import { ConfigurationModule } from '@app/configuration';
import { EventsModule } from '@app/events';
import { HttpPlatformModule } from '@app/http-platform';
import { IngestionModule } from '@app/ingestion';
import { ObservabilityModule } from '@app/observability';
import { PayeesModule } from '@app/payees';
import { PayoutsModule } from '@app/payouts';
import { PersistenceModule } from '@app/persistence';
import { PlansModule } from '@app/plans';
import { SchedulingModule } from '@app/scheduling';
import { HealthController } from './health/health.controller';
import { LoggingModule } from './logging.module';

@Module({
  imports: [
    ConfigurationModule,
    LoggingModule,
    HttpPlatformModule,
    PersistenceModule,
    ObservabilityModule,
    AccessModule,
    IngestionModule,
    PlansModule,
    PayeesModule,
    PayoutsModule,
    EventsModule,
    SchedulingModule,
  ],
  controllers: [HealthController],
})
export class AppModule {}
