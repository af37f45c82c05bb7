import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PageQueryDto, PaginationView } from '@app/http-platform';
import { DELIVERY_STATUSES, type DeliveryRecord, type DeliveryStatus } from '../../delivery/deliveries.repository';

export class DeliveryAttemptView {
  @ApiProperty() at: string;
  @ApiProperty({ nullable: true, type: Number, description: "The receiver's HTTP status; null when no answer came" }) status_code: number | null;
  @ApiProperty({ nullable: true, type: String }) error: string | null;
  @ApiProperty() duration_ms: number;
}

export class DeliveryView {
  @ApiProperty({ description: 'Delivery id' }) id: string;
  @ApiProperty({ format: 'uuid', description: 'The event id, sent as X-Commissions-Event-Id and in the body: deduplicate by it' }) event_id: string;
  @ApiProperty() event_type: string;
  @ApiProperty({ description: 'statement:<id>, period:<yyyy-mm> or run:<id>: events of one key arrive in order' }) ordering_key: string;
  @ApiProperty({ enum: DELIVERY_STATUSES }) status: DeliveryStatus;
  @ApiProperty() attempts: number;
  @ApiProperty({ nullable: true, type: String, description: 'When it is tried next (pending only)' }) next_attempt_at: string | null;
  @ApiProperty({ nullable: true, type: String }) delivered_at: string | null;
  @ApiProperty() created_at: string;
  @ApiProperty({ type: [DeliveryAttemptView], description: 'The newest 50 attempts, oldest first' }) attempt_log: DeliveryAttemptView[];
}

export class DeliveriesPageView {
  @ApiProperty({ type: [DeliveryView] }) data: DeliveryView[];
  @ApiProperty({ type: PaginationView }) pagination: PaginationView;
}

export class ListDeliveriesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES)
  status?: DeliveryStatus;
}

export function presentDelivery(delivery: DeliveryRecord): DeliveryView {
  return {
    id: delivery.id.toString(),
    event_id: delivery.eventId,
    event_type: delivery.eventType,
    ordering_key: delivery.orderingKey,
    status: delivery.status,
    attempts: delivery.attempts,
    next_attempt_at: delivery.status === 'pending' ? delivery.nextAttemptAt.toISOString() : null,
    delivered_at: delivery.deliveredAt?.toISOString() ?? null,
    created_at: delivery.createdAt.toISOString(),
    attempt_log: delivery.attemptLog,
  };
}
