import { Global, Module } from '@nestjs/common';
import { EventsModule } from '@app/events';
import { CALL_LINES_READER, IngestionModule } from '@app/ingestion';
import { ObservabilityModule } from '@app/observability';
import { PayeesModule } from '@app/payees';
import { PlansModule } from '@app/plans';
import { AdjustmentsController } from './adjustments/adjustments.controller';
import { AdjustmentsRepository } from './adjustments/adjustments.repository';
import { AdjustmentsService } from './adjustments/adjustments.service';
import { BalancesController } from './balances/balances.controller';
import { BalancesService } from './balances/balances.service';
import { DisputesController } from './disputes/disputes.controller';
import { DisputesRepository } from './disputes/disputes.repository';
import { DisputesService } from './disputes/disputes.service';
import { PayrollExportService } from './exports/payroll-export.service';
import { PeriodComputationsRepository } from './runs/period-computations.repository';
import { PayrollExportsController } from './exports/payroll-exports.controller';
import { LedgerRepository } from './ledger/ledger.repository';
import { PayoutRunsRepository } from './runs/payout-runs.repository';
import { RunExecutor } from './runs/run-executor';
import { RunsQueryService } from './runs/runs-query.service';
import { RunsController } from './runs/runs.controller';
import { RunsService } from './runs/runs.service';
import { StatementLinesOfCall } from './statements/statement-lines-of-call';
import { StatementsController } from './statements/statements.controller';
import { StatementsRepository } from './statements/statements.repository';
import { StatementsService } from './statements/statements.service';

/**
 * Runs, statements, adjustments and the payroll export. Global so that the
 * ingestion context's CallsService finds CALL_LINES_READER (it does not
 * import payouts: the dependency points this way only).
 */
@Global()
@Module({
  imports: [IngestionModule, PlansModule, PayeesModule, ObservabilityModule, EventsModule],
  controllers: [RunsController, StatementsController, PayrollExportsController, AdjustmentsController, BalancesController, DisputesController],
  providers: [
    PeriodComputationsRepository,
    AdjustmentsRepository,
    AdjustmentsService,
    BalancesService,
    DisputesRepository,
    DisputesService,
    PayoutRunsRepository,
    LedgerRepository,
    StatementsRepository,
    RunExecutor,
    RunsService,
    RunsQueryService,
    StatementsService,
    PayrollExportService,
    StatementLinesOfCall,
    { provide: CALL_LINES_READER, useExisting: StatementLinesOfCall },
  ],
  exports: [RunsService, CALL_LINES_READER],
})
export class PayoutsModule {}
