import { Body, Controller, Get, Param, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audited, CurrentPrincipal, Roles, type Principal } from '@app/access';
import { PersonIdPipe } from '@app/http-platform';
import { ListPayeesQuery } from './dto/list-payees.query';
import { SetPayrollIdsDto } from './dto/set-payroll-ids.dto';
import { PayeesService } from './payees.service';
import { PayeeDetailView, PayeesPageView, PayeeView } from './dto/payee.view';

@ApiTags('payees')
@ApiBearerAuth()
@Controller('v1/payees')
export class PayeesController {
  constructor(private readonly payees: PayeesService) {}

  @Get()
  @ApiOkResponse({ type: PayeesPageView })
  @Roles('finance', 'payroll')
  @ApiOperation({ summary: "The payee directory: names from Aura's team, payroll ids from finance (filters: name, listed)" })
  list(@Query() q: ListPayeesQuery) {
    return this.payees.list({ name: q.name, listed: q.listed }, q.limit, q.cursor);
  }

  @Get(':id')
  @ApiOkResponse({ type: PayeeDetailView })
  @Roles('finance', 'payroll')
  @ApiOperation({ summary: 'One payee with the history of its changes (from Aura and from finance)' })
  get(@Param('id', PersonIdPipe) id: string) {
    return this.payees.get(id);
  }

  @Put(':id')
  @ApiOkResponse({ type: PayeeView })
  @Roles('finance')
  @Audited('payee')
  @ApiOperation({ summary: "Set a payee's payroll mapping: employee_id and payroll_code (null clears one); creates the payee when Aura does not list it" })
  put(@Param('id', PersonIdPipe) id: string, @Body() body: SetPayrollIdsDto, @CurrentPrincipal() principal: Principal) {
    return this.payees.setPayrollIds(id, { employeeId: body.employee_id, payrollCode: body.payroll_code }, principal);
  }
}
