import { ApiProperty } from '@nestjs/swagger';
import { ANY_JSON, PaginationView } from '@app/http-platform';

/** One of Aura's webhook events as received, and what it caused. */
export class WebhookEventView {
  @ApiProperty() id: string;
  @ApiProperty({ example: 'payment.refunded' }) event: string;
  @ApiProperty() data_id: string;
  @ApiProperty({ description: 'created_at as Aura sent it' }) created_at: string;
  @ApiProperty({ enum: ['call', 'payment', 'other'] }) resource: string;
  @ApiProperty({ enum: ['pending', 'processing', 'processed', 'ignored', 'failed'] }) status: string;
  @ApiProperty() received_at: string;
  @ApiProperty({ type: String, nullable: true }) processed_at: string | null;
  @ApiProperty() attempts: number;
  @ApiProperty(ANY_JSON) outcome: unknown;
  @ApiProperty({ type: String, nullable: true }) error: string | null;
}

export class WebhookEventsPageView {
  @ApiProperty({ type: [WebhookEventView] }) data: WebhookEventView[];
  @ApiProperty({ type: PaginationView }) pagination: PaginationView;
}
