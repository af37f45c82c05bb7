import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { PlanDefinition } from '@app/commission-engine';
import { Audited, CurrentPrincipal, Idempotent, Roles, type Principal } from '@app/access';
import { UuidParamPipe } from '@app/http-platform';
import { ListPlansQueryDto } from './dto/list-plans.query';
import { PlanDefinitionPipe } from './dto/plan-definition.pipe';
import { PLAN_SCHEMA, PREVIEW_REQUEST_SCHEMA, SHORTEN_PLAN_SCHEMA } from './dto/plan-json.schema';
import { PlanPreviewPipe, type PlanPreviewRequest } from './dto/plan-preview.pipe';
import { PlanPreviewView } from './dto/plan-preview.view';
import { PlansPageView, PlanView } from './dto/plan.view';
import { ShortenPlanPipe, type ShortenPlanRequest } from './dto/shorten-plan.pipe';
import { PlanPreviewService } from './plan-preview.service';
import { PlansService } from './plans.service';

/** Finance (and admin) set, read and preview plans; payroll has no use for them. */
@ApiTags('plans')
@ApiBearerAuth()
@Roles('finance')
@Controller('v1/plans')
export class PlansController {
  constructor(
    private readonly plans: PlansService,
    private readonly previews: PlanPreviewService,
  ) {}

  @Post()
  @Idempotent()
  @Audited('plan')
  @ApiOperation({
    summary: 'Create a plan',
    description:
      'Validates the plan and lists every bad field in a 400 (details: [{field, message}]). A plan that would tie with an existing one ' +
      'for some payee, role and date (same scope — both default or sharing a payee —, same priority, overlapping windows) is refused ' +
      'with 409 naming the other plan (details[0].conflicting_plan_id). A payee-specific plan never ties with a default plan. ' +
      'Plan names need not be unique. Plans are immutable once created, except for ending them earlier (PATCH).',
  })
  @ApiBody({ schema: PLAN_SCHEMA })
  @ApiCreatedResponse({ type: PlanView })
  @ApiConflictResponse({ description: 'The plan would tie with the plan named in the message' })
  create(@Body(PlanDefinitionPipe) plan: PlanDefinition, @CurrentPrincipal() principal: Principal) {
    return this.plans.create(plan, principal);
  }

  @Post('preview')
  @HttpCode(200)
  @ApiOperation({
    summary: 'What-if: pay a period with a proposed plan',
    description:
      "Pays the period's stored commissionable calls twice: under the plans in force (current), and with the proposed plan added as if " +
      'created (proposed, plan id "proposed"). Returns per-payee totals — sums of rounded lines in COMMISSION_CURRENCY — and the ' +
      '(call, role, payee) left unpaid in each case. Writes nothing: no plan, run, statement or audit entry. ' +
      'A proposed plan that would tie with an existing one is refused with 409, as on creation.',
  })
  @ApiBody({ schema: PREVIEW_REQUEST_SCHEMA })
  @ApiOkResponse({ type: PlanPreviewView })
  preview(@Body(PlanPreviewPipe) request: PlanPreviewRequest) {
    return this.previews.preview(request);
  }

  @Get()
  @ApiOperation({
    summary: 'List plans',
    description:
      'By effective_from, then id. active_on keeps plans whose window holds that day; payee_id keeps plans naming the payee ' +
      'AND default plans (payees null), i.e. every plan that could pay that payee.',
  })
  @ApiOkResponse({ type: PlansPageView })
  list(@Query() query: ListPlansQueryDto) {
    return this.plans.list({ activeOn: query.active_on, payeeId: query.payee_id }, query.limit, query.cursor);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One commission plan as it was created, with its effective dates' })
  @ApiOkResponse({ type: PlanView })
  get(@Param('id', UuidParamPipe) id: string) {
    return this.plans.get(id);
  }

  @Patch(':id')
  @Idempotent()
  @Audited('plan')
  @ApiOperation({
    summary: 'End a plan, or end it earlier',
    description:
      'The body is {"effective_to": "YYYY-MM-DD"} and nothing else: any other field is a 400 naming it as immutable (a change of terms ' +
      'is a new plan). effective_to may be set when the plan has none, or moved earlier; it must stay after effective_from. ' +
      'Moving it later, or removing it, is a 400. Sending the current value changes nothing (200). Ending a plan cannot create a tie.',
  })
  @ApiBody({ schema: SHORTEN_PLAN_SCHEMA })
  @ApiOkResponse({ type: PlanView })
  end(@Param('id', UuidParamPipe) id: string, @Body(ShortenPlanPipe) body: ShortenPlanRequest) {
    return this.plans.end(id, body.effectiveTo);
  }
}
