import { Module } from '@nestjs/common';
import { AccessModule } from '@app/access';
import { ConfigurationModule } from '@app/configuration';
import { HttpPlatformModule } from '@app/http-platform';
import { IngestionModule } from '@app/ingestion';
import { PersistenceModule } from '@app/persistence';
import { PlansModule } from '@app/plans';
import { HealthController } from './health/health.controller';
import { LoggingModule } from './logging.module';

@Module({
  imports: [ConfigurationModule, LoggingModule, HttpPlatformModule, PersistenceModule, AccessModule, IngestionModule, PlansModule],
  controllers: [HealthController],
})
export class AppModule {}
