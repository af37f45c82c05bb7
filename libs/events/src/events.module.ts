import { Module, OnModuleInit } from '@nestjs/common';
import { Metrics, ObservabilityModule } from '@app/observability';
import { DeliveriesRepository } from './delivery/deliveries.repository';
import { DeliveryWorker } from './delivery/delivery-worker';
import { EventOutbox } from './outbox/event-outbox';
import { OutboxRepository } from './outbox/outbox.repository';
import { SubscriptionsController } from './subscriptions/subscriptions.controller';
import { SubscriptionsRepository } from './subscriptions/subscriptions.repository';
import { SubscriptionsService } from './subscriptions/subscriptions.service';

/** Events pushed to integrations: the outbox other contexts publish into, subscriptions, and the delivery worker. */
@Module({
  imports: [ObservabilityModule],
  controllers: [SubscriptionsController],
  providers: [OutboxRepository, EventOutbox, SubscriptionsRepository, SubscriptionsService, DeliveriesRepository, DeliveryWorker],
  exports: [EventOutbox, DeliveryWorker],
})
export class EventsModule implements OnModuleInit {
  constructor(
    private readonly metrics: Metrics,
    private readonly deliveries: DeliveriesRepository,
  ) {}

  onModuleInit(): void {
    this.metrics.labelledGaugeFromDatabase('commissions_webhook_deliveries', 'Deliveries to webhook subscriptions, by status', 'status', () =>
      this.deliveries.countByStatus(),
    );
    this.metrics.gaugeFromDatabase('commissions_webhook_oldest_pending_seconds', 'Age of the oldest delivery not yet delivered (0: none pending)', async () => {
      const oldest = await this.deliveries.oldestPendingCreatedAt();
      return oldest === null ? 0 : Math.max(0, (Date.now() - oldest.getTime()) / 1_000);
    });
  }
}
