import { Module } from '@nestjs/common';
import { CallsController } from './calls/calls.controller';
import { CallsReader } from './calls/calls-reader';
import { CallsRepository } from './calls/calls.repository';
import { CallsService } from './calls/calls.service';
import { QuarantineRepository } from './quarantine/quarantine.repository';
import { AuraClientFactory } from './sync/aura-client.factory';
import { SyncController } from './sync/sync.controller';
import { SyncRunsRepository } from './sync/sync-runs.repository';
import { SyncRunsService } from './sync/sync-runs.service';
import { SyncService } from './sync/sync.service';

@Module({
  controllers: [CallsController, SyncController],
  providers: [CallsRepository, CallsService, CallsReader, QuarantineRepository, AuraClientFactory, SyncRunsRepository, SyncRunsService, SyncService],
  exports: [CallsReader, SyncService],
})
export class IngestionModule {}
