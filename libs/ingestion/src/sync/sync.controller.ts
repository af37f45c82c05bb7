import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audited, CurrentPrincipal, Idempotent, type Principal, Roles } from '@app/access';
import { PageQueryDto, UuidParamPipe } from '@app/http-platform';
import { ListQuarantineQuery } from './dto/list-quarantine.query';
import { SyncRunsPageView, SyncRunView } from './dto/sync-run.view';
import { presentSyncRun, SyncRunsService } from './sync-runs.service';
import { SyncService } from './sync.service';
import { QuarantinePageView } from './dto/quarantined-record.view';

@ApiTags('sync')
@ApiBearerAuth()
@Roles('finance')
@Controller('v1/sync')
export class SyncController {
  constructor(
    private readonly sync: SyncService,
    private readonly syncRuns: SyncRunsService,
  ) {}

  @Post()
  @ApiAcceptedResponse({ type: SyncRunView })
  @HttpCode(202)
  @Idempotent()
  @Audited('sync_run')
  @ApiOperation({ summary: 'Start a full pass over Aura payments, then calls, then the team (202 with the sync run; 409 naming the one already running)' })
  async start() {
    return presentSyncRun(await this.sync.start('manual'));
  }

  @Get('runs')
  @ApiOkResponse({ type: SyncRunsPageView })
  @ApiOperation({ summary: 'Sync runs, newest first, with their counts' })
  list(@Query() query: PageQueryDto) {
    return this.syncRuns.list(query.limit, query.cursor);
  }

  @Get('runs/:id')
  @ApiOkResponse({ type: SyncRunView })
  @ApiOperation({ summary: 'One sync run: status, checkpoint, counts and error' })
  get(@Param('id', UuidParamPipe) id: string) {
    return this.syncRuns.get(id);
  }

  @Post('runs/:id/cancel')
  @ApiAcceptedResponse({ type: SyncRunView })
  @HttpCode(202)
  @Audited('sync_run')
  @ApiOperation({ summary: 'Ask a running sync to stop (202 with the run; it ends failed, "Canceled on request", within seconds); 409 when it is not running' })
  async cancel(@Param('id', UuidParamPipe) id: string, @CurrentPrincipal() principal: Principal) {
    return presentSyncRun(await this.sync.cancel(id, principal.keyId));
  }

  @Get('quarantine')
  @ApiOkResponse({ type: QuarantinePageView })
  @ApiOperation({ summary: 'Upstream records that could not be understood, with their reason and raw payload' })
  quarantine(@Query() query: ListQuarantineQuery) {
    return this.syncRuns.quarantined({ syncRunId: query.sync_run_id, reason: query.reason, resource: query.resource }, query.limit, query.cursor);
  }
}
