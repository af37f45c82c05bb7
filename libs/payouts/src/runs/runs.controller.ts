import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audited, Idempotent, Roles } from '@app/access';
import { UuidParamPipe } from '@app/http-platform';
import { ListRunsQuery } from './dto/list-runs.query';
import { presentRun, RunsPageView, RunView } from './dto/run.view';
import { StartRunDto } from './dto/start-run.dto';
import { RunsQueryService } from './runs-query.service';
import { RunsService } from './runs.service';

@ApiTags('runs')
@ApiBearerAuth()
@Roles('finance')
@Controller('v1/runs')
export class RunsController {
  constructor(
    private readonly runs: RunsService,
    private readonly queries: RunsQueryService,
  ) {}

  @Post()
  @ApiAcceptedResponse({ type: RunView })
  @HttpCode(202)
  @Idempotent()
  @Audited('run')
  @ApiOperation({
    summary: 'Run a period: compute every line its calls earn and rewrite its draft statements',
    description:
      '202 with the run, which continues in the background (poll GET /v1/runs/:id). 409 naming the run already running for the period ' +
      '(details[0].running_run_id). With "sync": true the run first syncs calls from Aura.',
  })
  async start(@Body() body: StartRunDto) {
    return presentRun(await this.runs.start({ period: body.period, sync: body.sync ?? false, fullRecompute: body.recompute === 'all' }));
  }

  @Get()
  @ApiOkResponse({ type: RunsPageView })
  @ApiOperation({ summary: 'Runs, newest first (filters: period, status)' })
  list(@Query() query: ListRunsQuery) {
    return this.queries.list({ period: query.period, status: query.status }, query.limit, query.cursor);
  }

  @Get(':id')
  @ApiOkResponse({ type: RunView })
  @ApiOperation({ summary: 'One run: status, trigger, counts, calls without a plan, warnings, duration' })
  get(@Param('id', UuidParamPipe) id: string) {
    return this.queries.get(id);
  }
}
