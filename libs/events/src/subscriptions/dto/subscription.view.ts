import { ApiProperty } from '@nestjs/swagger';
import { PaginationView } from '@app/http-platform';
import { EVENT_TYPES } from '../../event-types';
import type { SubscriptionRecord } from '../subscriptions.repository';

export class SubscriptionView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() url: string;
  @ApiProperty({ enum: EVENT_TYPES, isArray: true }) event_types: string[];
  @ApiProperty({ nullable: true, type: String }) description: string | null;
  @ApiProperty() created_at: string;
  @ApiProperty({ description: 'The API key that created it' }) created_by: string;
  @ApiProperty({ nullable: true, type: String }) deleted_at: string | null;
}

export class CreatedSubscriptionView extends SubscriptionView {
  @ApiProperty({ description: 'The key deliveries are signed with (hex HMAC-SHA256 of the body, in X-Commissions-Signature); shown once' }) secret: string;
}

export class DeletedSubscriptionView extends SubscriptionView {
  @ApiProperty({ description: 'Deliveries it had not received, now canceled' }) canceled_deliveries: number;
}

export class SubscriptionsPageView {
  @ApiProperty({ type: [SubscriptionView] }) data: SubscriptionView[];
  @ApiProperty({ type: PaginationView }) pagination: PaginationView;
}

export function presentSubscription(subscription: SubscriptionRecord): SubscriptionView {
  return {
    id: subscription.id,
    url: subscription.url,
    event_types: subscription.eventTypes,
    description: subscription.description,
    created_at: subscription.createdAt.toISOString(),
    created_by: subscription.createdBy,
    deleted_at: subscription.deletedAt?.toISOString() ?? null,
  };
}
