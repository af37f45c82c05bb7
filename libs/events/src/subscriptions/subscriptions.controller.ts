import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiPropertyOptional, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import { Audited, CurrentPrincipal, Idempotent, type Principal } from '@app/access';
import { PageQueryDto, UuidParamPipe } from '@app/http-platform';
import { CreateSubscriptionDto } from './dto/create-subscription.dto';
import { DeliveriesPageView, ListDeliveriesQueryDto } from './dto/delivery.view';
import { CreatedSubscriptionView, DeletedSubscriptionView, SubscriptionsPageView, SubscriptionView } from './dto/subscription.view';
import { SubscriptionsService } from './subscriptions.service';

class ListSubscriptionsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ default: false, description: 'Include deleted subscriptions' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  include_deleted?: boolean;
}

/** Admin only (no @Roles): who is told about pay, and where, is an administrator's decision. */
@ApiTags('events')
@ApiBearerAuth()
@Controller('v1/webhook-subscriptions')
export class SubscriptionsController {
  constructor(private readonly subscriptions: SubscriptionsService) {}

  @Post()
  @ApiOperation({ summary: 'Subscribe an integration to events; the signing secret is in this answer only' })
  @Idempotent()
  @Audited('webhook_subscription')
  @ApiCreatedResponse({ type: CreatedSubscriptionView })
  create(@Body() body: CreateSubscriptionDto, @CurrentPrincipal() principal: Principal) {
    return this.subscriptions.create({ url: body.url, eventTypes: body.event_types, description: body.description }, principal);
  }

  @Get()
  @ApiOkResponse({ type: SubscriptionsPageView })
  @ApiOperation({ summary: 'Webhook subscriptions, newest first, without their secrets (include_deleted for deleted ones)' })
  list(@Query() query: ListSubscriptionsQueryDto) {
    return this.subscriptions.list(query.include_deleted ?? false, query.limit, query.cursor);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One webhook subscription, without its secret' })
  @ApiOkResponse({ type: SubscriptionView })
  get(@Param('id', UuidParamPipe) id: string) {
    return this.subscriptions.get(id);
  }

  @Delete(':id')
  @ApiOkResponse({ type: DeletedSubscriptionView })
  @ApiOperation({ summary: 'Delete a subscription: nothing more is sent to it, and what it had not received is canceled' })
  @HttpCode(200)
  @Audited('webhook_subscription')
  delete(@Param('id', UuidParamPipe) id: string) {
    return this.subscriptions.delete(id);
  }

  @Get(':id/deliveries')
  @ApiOkResponse({ type: DeliveriesPageView })
  @ApiOperation({ summary: 'Deliveries to a subscription in event order, with each attempt (filter: status)' })
  deliveries(@Param('id', UuidParamPipe) id: string, @Query() query: ListDeliveriesQueryDto) {
    return this.subscriptions.listDeliveries(id, query.status, query.limit, query.cursor);
  }
}
