import { ApiProperty } from '@nestjs/swagger';

/** POST /v1/webhooks/aura: the event was stored (or was already). */
export class WebhookReceiptView {
  @ApiProperty({ enum: [true] }) received: true;
  @ApiProperty({ description: 'Already received (the same event, data.id and created_at)' }) duplicate: boolean;
  @ApiProperty({ description: 'Its row in GET /v1/webhooks/events' }) event_id: string;
  @ApiProperty({ enum: ['pending', 'processing', 'processed', 'ignored', 'failed'] }) status: string;
}
