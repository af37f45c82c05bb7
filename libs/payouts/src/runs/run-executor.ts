import { Inject, Injectable, Logger } from '@nestjs/common';
import { commissionConfig, type CommissionConfig } from '@app/configuration';
import { EventOutbox } from '@app/events';
import { CallsReader } from '@app/ingestion';
import { DatabaseService } from '@app/persistence';
import { PayeesReader } from '@app/payees';
import { PlansReader } from '@app/plans';
import { LedgerRepository } from '../ledger/ledger.repository';
import { PayoutRunRecord, PayoutRunsRepository, RunCounts, RunWarning } from './payout-runs.repository';
import { PeriodComputationsRepository } from './period-computations.repository';
import { earliestReadPoint, inputsDigest, planRecompute } from './recompute-plan';
import { computeRun } from './run-computation';
import { runEvent } from './run-events';

/** The write of a large period is one transaction; give it room. */
const WRITE_TIMEOUT_SECONDS = 600;

/** The statements this run depends on changed while it computed. */
export class LedgerChangedError extends Error {
  constructor(period: string) {
    super(
      `Statements changed while the run of ${period} computed (another run wrote its drafts, or a statement was approved, reopened or paid); ` +
        'nothing was written — run the period again',
    );
  }
}

/**
 * The work of one run: read the ledger and the inputs, compute with the
 * engine, and write the period's drafts and the run's outcome in one
 * transaction. A crash before that commit leaves the previous drafts whole.
 */
@Injectable()
export class RunExecutor {
  private readonly logger = new Logger(RunExecutor.name);

  constructor(
    private readonly database: DatabaseService,
    private readonly ledger: LedgerRepository,
    private readonly runs: PayoutRunsRepository,
    private readonly calls: CallsReader,
    private readonly plans: PlansReader,
    private readonly payees: PayeesReader,
    private readonly events: EventOutbox,
    private readonly computations: PeriodComputationsRepository,
    @Inject(commissionConfig.KEY) private readonly config: CommissionConfig,
  ) {}

  async execute(run: PayoutRunRecord, earlierWarnings: RunWarning[]): Promise<PayoutRunRecord> {
    const { period } = run;
    if (await this.calls.awaitingFirstPaymentsPass()) {
      throw new Error(
        'Payments have not been synced yet: calls wait for their payments (payment_missing), and a run now would claw back what was paid. Sync first (POST /v1/sync), then run again',
      );
    }
    // Every call write committed before this point is seen below; every later one stamps calls.changed_at after it.
    const readPoint = await this.calls.readPoint();
    const snapshot = await this.database.transaction(
      async (tx) => ({
        fingerprint: await this.ledger.fingerprint(tx),
        periodStatements: await this.ledger.periodStatements(tx, period),
        closedPeriods: await this.ledger.closedPeriods(tx),
        manualEntries: await this.ledger.manualEntries(tx, period),
        outstandingCarries: await this.ledger.outstandingCarries(tx, period),
        computations: await this.computations.upTo(tx, period),
        draftLinePeriods: await this.ledger.draftLinePeriods(tx, period),
        movedCall: await this.ledger.anyMovedCall(tx),
      }),
      { isolation: 'RepeatableRead', timeoutSeconds: 300 },
    );
    const plans = await this.plans.allPlans();
    const inputsOf = (of: string) => inputsDigest(of, plans, this.config);
    const since = earliestReadPoint(snapshot.computations);
    const changedCalls = since === null || run.fullRecompute ? [] : await this.calls.changedSince(since);
    const plan = planRecompute({
      period,
      records: snapshot.computations,
      closedPeriods: snapshot.closedPeriods,
      inputsOf,
      changedCalls,
      linePeriods: await this.ledger.linePeriodsOf(
        this.database.client,
        changedCalls.map((call) => call.id),
      ),
      draftLinePeriods: snapshot.draftLinePeriods,
      full: run.fullRecompute,
      movedCall: snapshot.movedCall,
    });
    const lockedLines = (periods: readonly string[], callIds: readonly string[]) => this.ledger.lockedLines(this.database.client, period, periods, callIds);
    const { outcome, periods, drawnIn, unsettled, calls, paid } = await computeRun(
      period,
      plan.compute.map((entry) => entry.period),
      { ...snapshot, lockedLines },
      plans,
      this.config,
      this.calls,
    );
    const computed = [...plan.compute, ...drawnIn.map((drawn) => ({ period: drawn, reason: 'shares_a_call' as const }))].sort((a, b) =>
      a.period.localeCompare(b.period),
    );
    const skipped = plan.skipped.filter((candidate) => !periods.includes(candidate));
    const lines = outcome.statements.flatMap((statement) => statement.lines);
    const adjustments = lines.filter((line) => line.kind === 'adjustment').length;
    const counts: RunCounts = {
      calls: calls.filter((call) => call.period === period).length,
      lines: lines.length,
      commission_lines: lines.length - adjustments,
      adjustments,
      statements: outcome.statements.length,
      payees: new Set(outcome.statements.map((statement) => statement.payeeId)).size,
      periods: { computed, skipped },
    };
    const unplanned = paid.unplanned
      .filter((entry) => entry.period === period)
      .map((entry) => ({ call_id: entry.callId, role: entry.role, payee_id: entry.payeeId }));
    const known = await this.payees.factsOf(outcome.statements.map((statement) => statement.payeeId));
    const unknownPayees = [...new Set(outcome.statements.map((statement) => statement.payeeId))].filter((id) => !known.get(id)?.listedUpstream).sort();
    const warnings: RunWarning[] = [
      ...earlierWarnings,
      ...outcome.warnings,
      ...unknownPayees.map((payeeId) => ({
        code: 'unknown_payee',
        payee_id: payeeId,
        message: `${payeeId} is paid in ${period} but Aura's team does not list them: their statement has no name until Aura lists them (payroll ids can still be set with PUT /v1/payees/${payeeId})`,
      })),
    ];
    const changedStatements = outcome.statements.filter((statement) => statement.change !== 'unchanged').length;
    this.logger.log(
      `Run ${run.id} of ${period}: ${counts.calls} calls over ${periods.length} period(s) (${skipped.length} unchanged left alone) → ${counts.lines} lines in ${counts.statements} statements ` +
        `(${changedStatements} written, ${outcome.deletedStatementIds.length} dropped), ${counts.adjustments} adjustments, ${warnings.length} warnings`,
    );

    return this.database.transaction(
      async (tx) => {
        await this.ledger.lockLedger(tx);
        await this.ledger.periodStatements(tx, period, true);
        if ((await this.ledger.fingerprint(tx)) !== snapshot.fingerprint) throw new LedgerChangedError(period);
        await this.ledger.writePeriod(tx, outcome, run.id, new Date());
        // Computed periods are current as of the read point; so are the skipped ones, nothing of theirs having changed.
        await this.computations.record(
          tx,
          run.id,
          period,
          readPoint,
          [...periods, ...skipped].map((of) => ({ period: of, inputs: inputsOf(of), unsettled: unsettled.has(of) })),
          [...new Set(outcome.statements.flatMap((statement) => statement.lines.flatMap((line) => (line.callPeriod ? [line.callPeriod] : []))))],
        );
        await this.ledger.repointManualEntries(tx, outcome.statements);
        const finished = await this.runs.finish(run.id, { status: 'succeeded', counts, unplanned, warnings, finishedAt: new Date() }, tx);
        await this.events.publish(tx, [runEvent(finished)]);
        return finished;
      },
      { timeoutSeconds: WRITE_TIMEOUT_SECONDS },
    );
  }
}
