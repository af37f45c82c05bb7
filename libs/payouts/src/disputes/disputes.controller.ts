import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audited, CurrentPrincipal, Idempotent, Roles, type Principal } from '@app/access';
import { UuidParamPipe } from '@app/http-platform';
import { DisputesService } from './disputes.service';
import { ListDisputesQuery, OpenDisputeDto, ResolveDisputeDto } from './dto/dispute.dto';
import { DisputesPageView, DisputeView } from './dto/dispute.view';

@ApiTags('disputes')
@ApiBearerAuth()
@Controller('v1/disputes')
export class DisputesController {
  constructor(private readonly disputes: DisputesService) {}

  @Post()
  @ApiCreatedResponse({ type: DisputeView })
  @ApiNotFoundResponse({ description: 'No such statement or line (or none this key may read)' })
  @Roles('finance', 'payee')
  @Idempotent()
  @Audited('dispute')
  @ApiOperation({
    summary: 'Open a dispute on a statement (a payee on its own, finance on any), optionally on one line, with a message; it blocks the approval of a draft',
  })
  open(@Body() body: OpenDisputeDto, @CurrentPrincipal() principal: Principal) {
    return this.disputes.open({ statementId: body.statement_id, lineId: body.line_id, message: body.message }, principal);
  }

  @Get()
  @ApiOkResponse({ type: DisputesPageView })
  @Roles('finance', 'payee')
  @ApiOperation({ summary: 'Disputes, newest first (filters: status, payee_id, period); a payee sees its own' })
  list(@Query() q: ListDisputesQuery, @CurrentPrincipal() principal: Principal) {
    return this.disputes.list(principal, { status: q.status, payeeId: q.payee_id, period: q.period }, q.limit, q.cursor);
  }

  @Get(':id')
  @ApiOkResponse({ type: DisputeView })
  @Roles('finance', 'payee')
  @ApiOperation({ summary: 'One dispute' })
  get(@Param('id', UuidParamPipe) id: string, @CurrentPrincipal() principal: Principal) {
    return this.disputes.get(id, principal);
  }

  @Post(':id/resolve')
  @ApiOkResponse({ type: DisputeView })
  @HttpCode(200)
  @Roles('finance')
  @Idempotent()
  @Audited('dispute')
  @ApiOperation({ summary: 'Resolve a dispute: accepted (optionally linking the manual adjustment made) or rejected, with a note; 409 when already resolved' })
  resolve(@Param('id', UuidParamPipe) id: string, @Body() body: ResolveDisputeDto, @CurrentPrincipal() principal: Principal) {
    return this.disputes.resolve(id, { status: body.resolution, note: body.note, adjustmentId: body.adjustment_id ?? null }, principal);
  }
}
