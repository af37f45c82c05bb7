import { Body, Controller, Delete, Get, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audited, CurrentPrincipal, Idempotent, Roles, type Principal } from '@app/access';
import { UuidParamPipe } from '@app/http-platform';
import { AdjustmentsService } from './adjustments.service';
import { CreateAdjustmentDto } from './dto/create-adjustment.dto';
import { ListAdjustmentsQuery } from './dto/list-adjustments.query';
import { AdjustmentsPageView, AdjustmentView } from './dto/adjustment.view';

@ApiTags('adjustments')
@ApiBearerAuth()
@Roles('finance')
@Controller('v1/adjustments')
export class AdjustmentsController {
  constructor(private readonly adjustments: AdjustmentsService) {}

  @Post()
  @ApiCreatedResponse({ type: AdjustmentView })
  @Idempotent()
  @Audited('adjustment')
  @ApiOperation({
    summary:
      "Add a manual line (bonus, spiff, correction, draw) to the payee's draft of the period (created if none); 409 when that statement is approved or paid",
  })
  create(@Body() body: CreateAdjustmentDto, @CurrentPrincipal() principal: Principal) {
    return this.adjustments.create(body, principal);
  }

  @Get()
  @ApiOkResponse({ type: AdjustmentsPageView })
  @ApiOperation({ summary: 'Manual adjustments, newest first (filters: payee_id, period, category)' })
  list(@Query() q: ListAdjustmentsQuery) {
    return this.adjustments.list({ payeeId: q.payee_id, period: q.period, category: q.category }, q.limit, q.cursor);
  }

  @Get(':id')
  @ApiOkResponse({ type: AdjustmentView })
  @ApiOperation({ summary: 'One manual adjustment' })
  get(@Param('id', UuidParamPipe) id: string) {
    return this.adjustments.get(id);
  }

  @Delete(':id')
  @ApiOkResponse({ type: AdjustmentView })
  @Audited('adjustment')
  @ApiOperation({ summary: 'Remove a manual adjustment and its line while its statement is a draft (409 once approved or paid)' })
  delete(@Param('id', UuidParamPipe) id: string, @CurrentPrincipal() principal: Principal) {
    return this.adjustments.delete(id, principal);
  }
}
