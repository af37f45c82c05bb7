import { Controller, Get, Headers, HttpCode, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import { Public, Roles } from '@app/access';
import { AuraWebhooksService } from './aura-webhooks.service';
import { ListWebhookEventsQuery } from './dto/list-webhook-events.query';
import { WebhookEventsPageView } from './dto/webhook-event.view';
import { WebhookReceiptView } from './dto/webhook-receipt.view';

@ApiTags('webhooks')
@Controller('v1/webhooks')
export class AuraWebhooksController {
  constructor(private readonly webhooks: AuraWebhooksService) {}

  @Post('aura')
  @Public()
  @HttpCode(200)
  @ApiHeader({ name: 'X-Aura-Signature', required: true, description: 'hex HMAC-SHA256 of the raw body with AURA_WEBHOOK_SECRET' })
  @ApiOperation({
    summary:
      "Aura's webhook events (no API key; signed). Stored once per (event, data.id, created_at), then the record is re-fetched from Aura. 404 when AURA_WEBHOOK_SECRET is not set.",
  })
  @ApiOkResponse({ type: WebhookReceiptView })
  @ApiUnauthorizedResponse({ description: 'Missing or wrong X-Aura-Signature' })
  @ApiNotFoundResponse({ description: 'AURA_WEBHOOK_SECRET is not set: the route does not exist' })
  receive(@Req() request: Request, @Headers('x-aura-signature') signature?: string) {
    return this.webhooks.receive(Buffer.isBuffer(request.body) ? request.body : undefined, signature);
  }

  @Get('events')
  @ApiOkResponse({ type: WebhookEventsPageView })
  @ApiBearerAuth()
  @Roles('finance')
  @ApiOperation({ summary: 'Webhook events received, newest first: what arrived and what it caused' })
  list(@Query() query: ListWebhookEventsQuery) {
    return this.webhooks.list({ status: query.status, event: query.event, dataId: query.data_id }, query.limit, query.cursor);
  }
}
