import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '@app/access';
import { PersonIdPipe } from '@app/http-platform';
import { BalancesService } from './balances.service';
import { BalanceView } from './dto/balance.view';

@ApiTags('payees')
@ApiBearerAuth()
@Roles('finance', 'payroll')
@Controller('v1/payees')
export class BalancesController {
  constructor(private readonly balances: BalancesService) {}

  @Get(':id/balance')
  @ApiOkResponse({ type: BalanceView })
  @ApiOperation({
    summary: 'What is still to recover from a payee: negative balances carried forward by approved statements and not yet carried into a later one',
  })
  balance(@Param('id', PersonIdPipe) id: string) {
    return this.balances.of(id);
  }
}
