import { Module } from '@nestjs/common';
import { CallsReader, IngestionModule } from '@app/ingestion';
import { PlanPreviewService } from './plan-preview.service';
import { PlansController } from './plans.controller';
import { PlansReader } from './plans.reader';
import { PlansRepository } from './plans.repository';
import { PlansService } from './plans.service';
import { PREVIEW_CALL_SOURCE } from './preview-call-source';

/** Commission plans: validated on the way in, immutable but for their end, and a what-if preview. */
@Module({
  imports: [IngestionModule],
  controllers: [PlansController],
  providers: [
    PlansRepository,
    PlansService,
    PlanPreviewService,
    PlansReader,
    // The preview reads calls through the ingestion context's reader, behind a port this context owns.
    { provide: PREVIEW_CALL_SOURCE, useExisting: CallsReader },
  ],
  exports: [PlansReader],
})
export class PlansModule {}
