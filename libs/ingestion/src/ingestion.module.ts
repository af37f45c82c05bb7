import { Module } from '@nestjs/common';
import { ObservabilityModule } from '@app/observability';
import { PayeesModule } from '@app/payees';
import { CallsController } from './calls/calls.controller';
import { CallsReader } from './calls/calls-reader';
import { CallsRepository } from './calls/calls.repository';
import { CallsService } from './calls/calls.service';
import { PaymentsRepository } from './payments/payments.repository';
import { QuarantineRepository } from './quarantine/quarantine.repository';
import { IngestionWriter } from './sync/ingestion-writer';
import { AuraClientFactory } from './sync/aura-client.factory';
import { SyncController } from './sync/sync.controller';
import { SyncRunsRepository } from './sync/sync-runs.repository';
import { SyncRunsService } from './sync/sync-runs.service';
import { SyncService } from './sync/sync.service';
import { AuraWebhooksController } from './webhooks/aura-webhooks.controller';
import { AuraWebhooksService } from './webhooks/aura-webhooks.service';
import { WebhookEventsRepository } from './webhooks/webhook-events.repository';
import { WebhookWorker } from './webhooks/webhook-worker';

@Module({
  imports: [PayeesModule, ObservabilityModule],
  controllers: [CallsController, SyncController, AuraWebhooksController],
  providers: [
    CallsRepository,
    CallsService,
    CallsReader,
    PaymentsRepository,
    IngestionWriter,
    QuarantineRepository,
    AuraClientFactory,
    SyncRunsRepository,
    SyncRunsService,
    SyncService,
    WebhookEventsRepository,
    WebhookWorker,
    AuraWebhooksService,
  ],
  exports: [CallsReader, SyncService, WebhookWorker],
})
export class IngestionModule {}
