import { Injectable } from '@nestjs/common';
import { payeeScopeOf, type Principal, scopedPayeeFilter } from '@app/access';
import { ConflictError, decodeCursor, emptyPage, NotFoundError, Page, toPage, ValidationFailedError } from '@app/http-platform';
import { Metrics } from '@app/observability';
import { DatabaseService } from '@app/persistence';
import { AdjustmentsRepository } from '../adjustments/adjustments.repository';
import { LEDGER_TRANSACTION_SECONDS, LedgerRepository } from '../ledger/ledger.repository';
import { canRead } from '../statements/statement-access';
import { StatementsRepository } from '../statements/statements.repository';
import { DisputesRepository, type DisputeStatus } from './disputes.repository';
import { DisputeView, presentDispute } from './dto/dispute.view';

/**
 * Disputes (product.md "Disputes"): a payee questions its own statement (or
 * one line of it), finance any; finance resolves each, accepted (optionally
 * with the manual adjustment that settles it) or rejected, with a note. An
 * open dispute blocks the statement's approval unless the approver
 * overrides it (StatementsService). Every step is audited by its route.
 */
/** Enough for every line a rep could question at once; bounds what a statement view and its document carry. */
export const MAX_OPEN_PER_STATEMENT = 20;

@Injectable()
export class DisputesService {
  constructor(
    private readonly database: DatabaseService,
    private readonly disputes: DisputesRepository,
    private readonly statements: StatementsRepository,
    private readonly adjustments: AdjustmentsRepository,
    private readonly ledger: LedgerRepository,
    metrics: Metrics,
  ) {
    metrics.gaugeFromDatabase('commissions_open_disputes', 'Disputes open now, on statements of any status', () => this.disputes.countOpen());
  }

  async open(request: { statementId: string; lineId?: string; message: string }, principal: Principal): Promise<DisputeView> {
    // Under the ledger lock, like approval: a dispute is either seen by an approval or opened after it, on an approved statement.
    const dispute = await this.database.transaction(
      async (tx) => {
        await this.ledger.lockLedger(tx);
        const statement = await this.statements.find(request.statementId, tx);
        if (!statement || !canRead(principal, statement)) throw new NotFoundError('Statement', request.statementId);
        const lineId = request.lineId?.toLowerCase() ?? null;
        if (lineId) {
          const lines = await this.statements.lines(statement.id, statement.currency, tx);
          if (!lines.some((line) => line.id === lineId))
            throw new ValidationFailedError([{ field: 'line_id', message: `is not a line of statement ${statement.id}` }]);
        }
        const open = await this.disputes.openOn(tx, [statement.id]);
        if (open.length >= MAX_OPEN_PER_STATEMENT) {
          throw new ConflictError(
            `Statement ${statement.id} already has ${open.length} open disputes, the most it takes; add to one of them or wait for finance's answer`,
            [{ open: open.length }],
          );
        }
        return this.disputes.insert(tx, {
          statementId: statement.id,
          lineId,
          payeeId: statement.payeeId,
          period: statement.period,
          message: request.message,
          openedBy: principal.keyId,
          openedRole: principal.role,
          openedAt: new Date(),
        });
      },
      { timeoutSeconds: LEDGER_TRANSACTION_SECONDS },
    );
    return presentDispute(dispute);
  }

  async list(
    principal: Principal,
    filter: { status?: DisputeStatus; payeeId?: string; period?: string },
    limit: number,
    cursor?: string,
  ): Promise<Page<DisputeView>> {
    const payeeId = scopedPayeeFilter(principal, filter.payeeId);
    if (payeeId === null) return emptyPage();
    filter = { ...filter, payeeId };
    const key = decodeCursor(cursor, ['instant', 'uuid'] as const);
    const rows = await this.disputes.list(filter, limit, key ? { openedAt: key[0], id: key[1] } : null);
    return toPage(rows, limit, (row) => [row.openedAt, row.id], presentDispute);
  }

  async get(id: string, principal: Principal): Promise<DisputeView> {
    const dispute = await this.disputes.find(id);
    const scope = payeeScopeOf(principal);
    if (!dispute || (scope !== null && dispute.payeeId !== scope)) throw new NotFoundError('Dispute', id);
    return presentDispute(dispute);
  }

  async resolve(
    id: string,
    resolution: { status: 'accepted' | 'rejected'; note: string; adjustmentId: string | null },
    principal: Principal,
  ): Promise<DisputeView> {
    const resolved = await this.database.transaction(
      async (tx) => {
        // The ledger lock orders this against deleting the adjustment it links (AdjustmentsService.delete).
        await this.ledger.lockLedger(tx);
        const dispute = await this.disputes.find(id, tx);
        if (!dispute) throw new NotFoundError('Dispute', id);
        if (dispute.status !== 'open') throw new ConflictError(`Dispute ${id} is already ${dispute.status}`, [{ status: dispute.status }]);
        if (resolution.adjustmentId !== null) {
          if (resolution.status !== 'accepted')
            throw new ValidationFailedError([{ field: 'adjustment_id', message: 'only an accepted dispute links the adjustment that settles it' }]);
          const adjustment = await this.adjustments.find(resolution.adjustmentId, tx);
          if (!adjustment || adjustment.deletedAt || adjustment.payeeId !== dispute.payeeId) {
            throw new ValidationFailedError([{ field: 'adjustment_id', message: `must be a live manual adjustment of ${dispute.payeeId}` }]);
          }
        }
        const done = await this.disputes.resolve(tx, id, { ...resolution, by: principal.keyId, at: new Date() });
        if (!done) throw new ConflictError(`Dispute ${id} was resolved by another request`, []);
        return done;
      },
      { timeoutSeconds: LEDGER_TRANSACTION_SECONDS },
    );
    return presentDispute(resolved);
  }
}
