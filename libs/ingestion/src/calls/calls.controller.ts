import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, payeeScopeOf, type Principal, Roles } from '@app/access';
import { CallsService } from './calls.service';
import { ListCallsQuery } from './dto/list-calls.query';
import { CallDetailView, CallsPageView } from './dto/call.view';

@ApiTags('calls')
@ApiBearerAuth()
@Roles('finance', 'payee')
@Controller('v1/calls')
export class CallsController {
  constructor(private readonly calls: CallsService) {}

  @Get()
  @ApiOkResponse({ type: CallsPageView })
  @ApiOperation({ summary: 'Stored calls with their commissionable flag and reason' })
  list(@Query() q: ListCallsQuery, @CurrentPrincipal() principal: Principal) {
    return this.calls.list(
      {
        period: q.period,
        closerId: q.closer_id,
        setterId: q.setter_id,
        status: q.status,
        commissionable: q.commissionable,
        reason: q.reason,
        missingUpstream: q.missing_upstream,
        // A payee key sees the calls it closed or set, and no other.
        payeeId: payeeScopeOf(principal) ?? undefined,
      },
      q.limit,
      q.cursor,
    );
  }

  @Get(':id')
  @ApiOkResponse({ type: CallDetailView })
  @ApiOperation({ summary: 'One call: derived fields, the raw Aura record, its history and the lines that pay it' })
  get(@Param('id') id: string, @CurrentPrincipal() principal: Principal) {
    return this.calls.get(id, payeeScopeOf(principal) ?? undefined);
  }
}
