import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiOkResponse, ApiOperation, ApiProduces, ApiTags, getSchemaPath } from '@nestjs/swagger';
import { Roles } from '@app/access';
import { PeriodParamPipe } from '../periods/period-param.pipe';
import { PayrollExportQuery } from './dto/payroll-export.query';
import { PayrollExportView, presentExport } from './dto/payroll-export.view';
import { PayrollExportService } from './payroll-export.service';

@ApiTags('payroll')
@ApiBearerAuth()
@Roles('payroll', 'finance')
@Controller('v1/payroll/exports')
export class PayrollExportsController {
  constructor(private readonly exports: PayrollExportService) {}

  @Get(':period')
  @ApiProduces('application/json', 'text/csv')
  @ApiExtraModels(PayrollExportView)
  @ApiOkResponse({
    description: 'JSON (the default), or with format=csv the same rows as an RFC 4180 attachment',
    content: { 'application/json': { schema: { $ref: getSchemaPath(PayrollExportView) } }, 'text/csv': { schema: { type: 'string' } } },
  })
  @ApiOperation({
    summary: "A period's approved and paid statements for payroll, by payee then sequence (format=json, the default, or csv)",
    description:
      'Columns: statement_id, payee_id, payee_name, employee_id, payroll_code, period, currency, commission_total, adjustment_total, total, status, approved_at, statement_hash. ' +
      'CSV is RFC 4180 (CRLF, quoted where needed) with a header row, sent as an attachment payroll-<period>.csv.',
  })
  async export(@Param('period', PeriodParamPipe) period: string, @Query() query: PayrollExportQuery) {
    return presentExport(await this.exports.export(period), query.format);
  }
}
