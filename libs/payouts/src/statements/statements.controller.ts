import { Body, Controller, Get, HttpCode, Param, Post, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Audited, CurrentPrincipal, Idempotent, Roles, type Principal } from '@app/access';
import { UuidParamPipe } from '@app/http-platform';
import { PeriodParamPipe } from '../periods/period-param.pipe';
import { ApprovePeriodDto, ApproveStatementDto } from './dto/approve-statement.dto';
import { ListStatementLinesQuery } from './dto/list-statement-lines.query';
import { ListStatementsQuery } from './dto/list-statements.query';
import { StatementDocumentQuery } from './dto/statement-document.query';
import { MarkPaidDto } from './dto/mark-paid.dto';
import { LinesPageView, PeriodApprovalView, StatementDetailView, StatementsPageView, StatementView } from './dto/statement.view';
import { StatementsService } from './statements.service';

@ApiTags('statements')
@ApiBearerAuth()
@Controller('v1')
export class StatementsController {
  constructor(private readonly statements: StatementsService) {}

  @Get('statements')
  @ApiOkResponse({ type: StatementsPageView })
  @Roles('finance', 'payroll', 'payee')
  @ApiOperation({ summary: 'Statements, newest period first (filters: period, payee_id, status); payroll sees approved and paid only' })
  list(@Query() q: ListStatementsQuery, @CurrentPrincipal() principal: Principal) {
    return this.statements.list(principal, { period: q.period, payeeId: q.payee_id, status: q.status }, q.limit, q.cursor);
  }

  @Get('statements/:id')
  @ApiOkResponse({ type: StatementDetailView })
  @Roles('finance', 'payroll', 'payee')
  @ApiOperation({
    summary:
      'One statement: totals, version and hash, line counts by kind, its disputes, and the first 100 lines with their explanations (the rest: GET /v1/statements/{id}/lines)',
  })
  get(@Param('id', UuidParamPipe) id: string, @CurrentPrincipal() principal: Principal) {
    return this.statements.get(principal, id);
  }

  @Get('statements/:id/lines')
  @ApiOkResponse({ type: LinesPageView })
  @Roles('finance', 'payroll', 'payee')
  @ApiOperation({ summary: "A statement's lines in statement order, a page at a time, each with its explanation (filters: kind, role, call_id)" })
  lines(@Param('id', UuidParamPipe) id: string, @Query() q: ListStatementLinesQuery, @CurrentPrincipal() principal: Principal) {
    return this.statements.lines(principal, id, { kind: q.kind, role: q.role, callId: q.call_id }, q.limit, q.cursor);
  }

  @Get('statements/:id/document')
  @Roles('finance', 'payroll', 'payee')
  @ApiProduces('text/html', 'application/pdf')
  @ApiOkResponse({ description: 'The statement as HTML (text/html) or PDF (application/pdf)', schema: { type: 'string', format: 'binary' } })
  @ApiOperation({
    summary: 'The statement as a document a rep can read: one self-contained, print-ready HTML page, or ?format=pdf; the same statement gives the same bytes',
  })
  async document(@Param('id', UuidParamPipe) id: string, @Query() query: StatementDocumentQuery, @CurrentPrincipal() principal: Principal) {
    const document = await this.statements.document(principal, id, query.format === 'pdf' ? 'pdf' : 'html', query.paper === 'letter' ? 'LETTER' : 'A4');
    return new StreamableFile(document.bytes, { type: document.contentType, disposition: `inline; filename="${document.filename}"` });
  }

  @Post('statements/:id/approve')
  @ApiOkResponse({ type: StatementView })
  @HttpCode(200)
  @Roles('finance')
  @Idempotent()
  @Audited('statement')
  @ApiOperation({ summary: 'Approve a draft: it never changes again (409 if it is not a draft, or no longer has the optional "hash")' })
  approve(@Param('id', UuidParamPipe) id: string, @Body() body: ApproveStatementDto, @CurrentPrincipal() principal: Principal) {
    return this.statements.approve(id, principal, body.hash, body.override_disputes === true);
  }

  @Post('periods/:period/approve')
  @ApiOkResponse({ type: PeriodApprovalView })
  @HttpCode(200)
  @Roles('finance')
  @Idempotent()
  @Audited('statement')
  @ApiOperation({ summary: 'Approve every draft statement of a period, in one transaction' })
  approvePeriod(@Param('period', PeriodParamPipe) period: string, @Body() body: ApprovePeriodDto, @CurrentPrincipal() principal: Principal) {
    return this.statements.approvePeriod(period, principal, body.override_disputes === true);
  }

  @Post('statements/:id/reopen')
  @ApiOkResponse({ type: StatementView })
  @HttpCode(200)
  @Roles()
  @Idempotent()
  @Audited('statement')
  @ApiOperation({ summary: 'Admin only: reopen an approved, unpaid statement as a draft (409 when paid)' })
  reopen(@Param('id', UuidParamPipe) id: string) {
    return this.statements.reopen(id);
  }

  @Post('statements/:id/mark-paid')
  @ApiOkResponse({ type: StatementView })
  @HttpCode(200)
  @Roles('payroll')
  @Idempotent()
  @Audited('statement')
  @ApiOperation({ summary: 'Mark an approved statement paid, with the payroll reference (409 for a draft or an already paid one)' })
  markPaid(@Param('id', UuidParamPipe) id: string, @Body() body: MarkPaidDto, @CurrentPrincipal() principal: Principal) {
    return this.statements.markPaid(id, body.payroll_reference, principal);
  }
}
