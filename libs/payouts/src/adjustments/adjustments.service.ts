import { Inject, Injectable } from '@nestjs/common';
import type { Principal } from '@app/access';
import { Decimal, minorUnitDigits } from '@app/commission-engine';
import { commissionConfig, type CommissionConfig } from '@app/configuration';
import { ConflictError, decodeCursor, NotFoundError, Page, toPage, ValidationFailedError } from '@app/http-platform';
import { DatabaseClient, DatabaseService } from '@app/persistence';
import { DisputesRepository } from '../disputes/disputes.repository';
import { LEDGER_TRANSACTION_SECONDS, LedgerRepository } from '../ledger/ledger.repository';
import { lineIdOf, statementIdOf } from '../ledger/line-identity';
import { CALL_LINE_KINDS, finishStatement } from '../ledger/period-ledger';
import { StatementsRepository } from '../statements/statements.repository';
import { AdjustmentFilter, AdjustmentsRepository } from './adjustments.repository';
import { AdjustmentView, presentAdjustment } from './dto/adjustment.view';
import type { CreateAdjustmentDto } from './dto/create-adjustment.dto';

/**
 * Finance's own entries (product.md "Manual adjustments"): each becomes a
 * `manual` line of the payee's draft of the period, which is restated at
 * once (totals, carried balances, hash, version). Runs keep the line
 * exactly; approving the statement freezes it. Everything under the ledger
 * lock, so an entry and a run or an approval never interleave.
 */
@Injectable()
export class AdjustmentsService {
  constructor(
    private readonly database: DatabaseService,
    private readonly adjustments: AdjustmentsRepository,
    private readonly ledger: LedgerRepository,
    private readonly statements: StatementsRepository,
    private readonly disputes: DisputesRepository,
    @Inject(commissionConfig.KEY) private readonly config: CommissionConfig,
  ) {}

  async create(request: CreateAdjustmentDto, principal: Principal): Promise<AdjustmentView> {
    const digits = minorUnitDigits(this.config.currency);
    const amount = new Decimal(request.amount);
    if (amount.decimalPlaces() > digits) {
      throw new ValidationFailedError([{ field: 'amount', message: `must have at most ${digits} decimals (the minor unit of ${this.config.currency})` }]);
    }
    const created = await this.database.transaction(
      async (tx) => {
        await this.ledger.lockLedger(tx);
        const heads = (await this.ledger.periodStatements(tx, request.period, true)).filter((head) => head.payeeId === request.payee_id);
        const draft = heads.find((head) => head.status === 'draft');
        const closed = heads.filter((head) => head.status !== 'draft');
        if (!draft && closed.length > 0) {
          const last = closed[closed.length - 1];
          throw new ConflictError(`The statement of ${request.payee_id} for ${request.period} is ${last.status}; add the adjustment to an open period`, [
            { statement_id: last.id, status: last.status },
          ]);
        }
        const statementId = draft?.id ?? statementIdOf(request.payee_id, request.period, 1);
        const adjustment = await this.adjustments.insert(tx, {
          payeeId: request.payee_id,
          period: request.period,
          amount: amount.toFixed(digits),
          currency: this.config.currency,
          category: request.category,
          reason: request.reason.trim(),
          statementId,
          createdAt: new Date(),
          createdBy: principal.keyId,
        });
        await this.restateDraft(tx, request.payee_id, request.period);
        return adjustment;
      },
      { timeoutSeconds: LEDGER_TRANSACTION_SECONDS },
    );
    return presentAdjustment(created, lineIdOf(`manual:${created.id}`));
  }

  async list(filter: AdjustmentFilter, limit: number, cursor?: string): Promise<Page<AdjustmentView>> {
    const key = decodeCursor(cursor, ['instant', 'uuid'] as const);
    const rows = await this.adjustments.list(filter, limit, key ? { createdAt: key[0], id: key[1] } : null);
    return toPage(
      rows,
      limit,
      (row) => [row.createdAt, row.id],
      (row) => presentAdjustment(row, lineIdOf(`manual:${row.id}`)),
    );
  }

  async get(id: string): Promise<AdjustmentView> {
    const adjustment = await this.adjustments.find(id);
    if (!adjustment) throw new NotFoundError('Adjustment', id);
    return presentAdjustment(adjustment, lineIdOf(`manual:${adjustment.id}`));
  }

  /** Removes the entry and its line while its statement is a draft; 409 once approved or paid. */
  async delete(id: string, principal: Principal): Promise<AdjustmentView> {
    const deleted = await this.database.transaction(
      async (tx) => {
        await this.ledger.lockLedger(tx);
        const adjustment = await this.adjustments.find(id, tx);
        if (!adjustment || adjustment.deletedAt) throw new NotFoundError('Adjustment', id);
        const statement = await this.statements.find(adjustment.statementId, tx);
        if (statement && statement.status !== 'draft') {
          throw new ConflictError(`Adjustment ${id} is a line of a ${statement.status} statement; it can no longer be deleted`, [
            { statement_id: statement.id, status: statement.status },
          ]);
        }
        const settles = await this.disputes.settledBy(tx, id);
        if (settles) {
          throw new ConflictError(`Adjustment ${id} settles dispute ${settles.id} (accepted); it can no longer be deleted: add a correction instead`, [
            { dispute_id: settles.id },
          ]);
        }
        const marked = await this.adjustments.markDeleted(tx, id, principal.keyId, new Date());
        await this.restateDraft(tx, adjustment.payeeId, adjustment.period);
        return marked;
      },
      { timeoutSeconds: LEDGER_TRANSACTION_SECONDS },
    );
    return presentAdjustment(deleted, lineIdOf(`manual:${deleted.id}`));
  }

  /**
   * Rebuilds the payee's draft of the period from its call lines as stored,
   * the live manual entries and the carried balances: the same
   * finishStatement a run uses, so a run afterwards changes nothing.
   */
  private async restateDraft(tx: DatabaseClient, payeeId: string, period: string): Promise<void> {
    const heads = (await this.ledger.periodStatements(tx, period, true)).filter((head) => head.payeeId === payeeId);
    const closed = heads.filter((head) => head.status !== 'draft');
    const sequence = closed.length === 0 ? 1 : Math.max(...closed.map((head) => head.sequence)) + 1;
    const id = statementIdOf(payeeId, period, sequence);
    const drafts = heads.filter((head) => head.status === 'draft');
    const callLines = [];
    for (const draft of drafts) {
      const lines = await this.statements.lines(draft.id, this.config.currency, tx);
      callLines.push(...lines.filter((line) => CALL_LINE_KINDS.includes(line.kind)).map(({ statementId: _statement, runId: _run, ...line }) => line));
    }
    const statement = finishStatement({
      id,
      payeeId,
      period,
      sequence,
      currency: this.config.currency,
      callLines,
      manualEntries: (await this.ledger.manualEntries(tx, period)).filter((entry) => entry.payeeId === payeeId),
      outstandingCarries: (await this.ledger.outstandingCarries(tx, period)).filter((carry) => carry.payeeId === payeeId),
      negativeBalance: this.config.negativeBalance,
      previous: drafts.find((draft) => draft.id === id) ?? null,
    });
    const keep = statement.lines.length > 0;
    await this.ledger.writePeriod(
      tx,
      { statements: keep ? [statement] : [], deletedStatementIds: drafts.filter((draft) => !keep || draft.id !== id).map((draft) => draft.id), warnings: [] },
      null,
      new Date(),
    );
    if (keep) await this.ledger.repointManualEntries(tx, [statement]);
  }
}
