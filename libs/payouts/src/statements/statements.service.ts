import { Injectable } from '@nestjs/common';
import { type Principal, scopedPayeeFilter } from '@app/access';
import { EventOutbox } from '@app/events';
import { renderStatementHtml, renderStatementPdf, type StatementDocument } from '@app/documents';
import { ConflictError, decodeCursor, emptyPage, NotFoundError, Page, toPage, ValidationFailedError } from '@app/http-platform';
import { PayeesReader } from '@app/payees';
import { DatabaseClient, DatabaseService } from '@app/persistence';
import { LEDGER_TRANSACTION_SECONDS, LedgerRepository } from '../ledger/ledger.repository';
import { type LineKind, type StatementStatus } from '../ledger/period-ledger';
import { DisputesRepository } from '../disputes/disputes.repository';
import { presentDispute } from '../disputes/dto/dispute.view';
import { LineCountsView, LineView, PeriodApprovalView, presentLine, presentStatement, StatementDetailView, StatementView } from './dto/statement.view';
import { canRead, READABLE } from './statement-access';
import { EVENT_OF_STATUS, periodApprovedEvent, statementEvent } from './statement-events';
import { StatementRecord, StatementsRepository } from './statements.repository';

/** Lines in a statement's view; the rest are paged (GET /v1/statements/:id/lines). */
export const FIRST_PAGE_OF_LINES = 100;

type StatementChange = { status: StatementStatus } & Partial<Pick<StatementRecord, 'approvedAt' | 'approvedBy' | 'paidAt' | 'paidBy' | 'payrollReference'>>;

/**
 * Reading statements and moving them draft → approved → paid (and, for an
 * admin, approved → draft). Approved and paid statements never change their
 * lines. Every change takes the ledger lock that a run's write holds, so a
 * change and a run's write never interleave.
 */
@Injectable()
export class StatementsService {
  constructor(
    private readonly database: DatabaseService,
    private readonly statements: StatementsRepository,
    private readonly ledger: LedgerRepository,
    private readonly payees: PayeesReader,
    private readonly disputes: DisputesRepository,
    private readonly events: EventOutbox,
  ) {}

  async list(
    principal: Principal,
    filter: { period?: string; payeeId?: string; status?: StatementStatus },
    limit: number,
    cursor?: string,
  ): Promise<Page<StatementView>> {
    const readable = READABLE[principal.role];
    const statuses = filter.status ? readable.filter((status) => status === filter.status) : readable;
    const payeeId = scopedPayeeFilter(principal, filter.payeeId);
    if (payeeId === null) return emptyPage();
    filter = { ...filter, payeeId };
    const key = decodeCursor(cursor, ['period', 'text', 'integer'] as const);
    const after = key ? { period: key[0], payeeId: key[1], sequence: key[2] } : null;
    const rows = statuses.length === 0 ? [] : await this.statements.list({ period: filter.period, payeeId: filter.payeeId, statuses }, limit, after);
    const names = await this.namesOf(rows.map((row) => row.payeeId));
    return toPage(
      rows,
      limit,
      (row) => [row.period, row.payeeId, row.sequence],
      (row) => presentStatement(row, names.get(row.payeeId) ?? null),
    );
  }

  /**
   * One statement: totals, counts of its lines by kind, its disputes, and
   * the first page of its lines (docs/payouts.md "Statements"); the rest
   * come from GET /v1/statements/:id/lines with `lines_pagination.next_cursor`.
   */
  async get(principal: Principal, id: string): Promise<StatementDetailView> {
    const statement = await this.readable(principal, id);
    const [firstPage, counts, names, disputes] = await Promise.all([
      this.statements.linesPage(id, statement.currency, {}, FIRST_PAGE_OF_LINES, null),
      this.statements.lineCounts(id),
      this.namesOf([statement.payeeId]),
      this.disputes.forStatement(statement.id),
    ]);
    const page = toPage(firstPage, FIRST_PAGE_OF_LINES, (line) => [statement.version, line.position], presentLine);
    return {
      ...presentStatement(statement, names.get(statement.payeeId) ?? null),
      line_count: [...counts.values()].reduce((total, count) => total + count, 0),
      line_counts: lineCountsOf(counts),
      lines: page.data,
      lines_pagination: page.pagination,
      disputes: disputes.map(presentDispute),
    };
  }

  /** A statement's lines, a page at a time, with their explanations; filters kind, role, call_id. */
  async lines(
    principal: Principal,
    id: string,
    filter: { kind?: string; role?: string; callId?: string },
    limit: number,
    cursor?: string,
  ): Promise<Page<LineView>> {
    const key = decodeCursor(cursor, ['integer', 'integer'] as const);
    const statement = await this.readable(principal, id);
    // A cursor belongs to one version of the statement: a run that rewrote it since would mix two versions' lines.
    if (key && key[0] !== statement.version) {
      throw new ConflictError(`Statement ${id} changed since this cursor was issued (now version ${statement.version}); read it again from the first page`, [
        { version: statement.version },
      ]);
    }
    const rows = await this.statements.linesPage(id, statement.currency, filter, limit, key ? key[1] : null);
    return toPage(rows, limit, (line) => [statement.version, line.position], presentLine);
  }

  /** The statement as a document its payee reads (product.md "Statement documents"): HTML, or PDF on A4 or Letter. */
  async document(
    principal: Principal,
    id: string,
    format: 'html' | 'pdf',
    paper: 'A4' | 'LETTER',
  ): Promise<{ contentType: string; filename: string; bytes: Buffer }> {
    // The view, with every line, is the document's input as it is: StatementDocument describes the fields it reads of it.
    const statement = await this.readable(principal, id);
    const [lines, names, disputes] = await Promise.all([
      this.statements.lines(id, statement.currency),
      this.namesOf([statement.payeeId]),
      this.disputes.forStatement(statement.id),
    ]);
    const view = {
      ...presentStatement(statement, names.get(statement.payeeId) ?? null),
      lines: lines.map(presentLine),
      disputes: disputes.map(presentDispute),
    } as unknown as StatementDocument;
    const filename = `statement-${view.period}-${view.payee_id}`;
    if (format === 'pdf') return { contentType: 'application/pdf', filename: `${filename}.pdf`, bytes: await renderStatementPdf(view, paper) };
    return { contentType: 'text/html; charset=utf-8', filename: `${filename}.html`, bytes: Buffer.from(renderStatementHtml(view), 'utf8') };
  }

  /** draft → approved; with `expectedHash`, only the content the approver reviewed. */
  async approve(id: string, principal: Principal, expectedHash?: string, overrideDisputes = false): Promise<StatementView> {
    return this.change(id, async (current, tx) => {
      if (current.status !== 'draft')
        throw new ConflictError(`Statement ${id} is ${current.status}; only a draft can be approved`, [{ status: current.status }]);
      if (!overrideDisputes) await this.refuseOpenDisputes(tx, [id]);
      if (expectedHash !== undefined && expectedHash !== current.hash) {
        throw new ConflictError(`Statement ${id} changed since it was read (now version ${current.version}); review it again`, [
          { hash: current.hash, version: current.version },
        ]);
      }
      return { status: 'approved', approvedAt: new Date(), approvedBy: principal.keyId };
    });
  }

  /** Approves every draft of the period in one transaction; returns them. */
  async approvePeriod(period: string, principal: Principal, overrideDisputes = false): Promise<PeriodApprovalView> {
    const approved = await this.database.transaction(
      async (tx) => {
        await this.ledger.lockLedger(tx);
        if (!overrideDisputes) {
          const drafts = (await this.ledger.periodStatements(tx, period)).filter((head) => head.status === 'draft').map((head) => head.id);
          await this.refuseOpenDisputes(tx, drafts);
        }
        const ids = await this.statements.approveDrafts(tx, period, principal.keyId, new Date());
        const statements = await this.statements.findMany(ids, tx);
        // With the approval or not at all: a rolled-back approval leaves no event to send.
        if (statements.length > 0)
          await this.events.publish(tx, [
            ...statements.map((statement) => statementEvent('statement.approved', statement)),
            periodApprovedEvent(period, statements),
          ]);
        return statements;
      },
      { timeoutSeconds: LEDGER_TRANSACTION_SECONDS },
    );
    const names = await this.namesOf(approved.map((statement) => statement.payeeId));
    return { period, approved: approved.length, data: approved.map((statement) => presentStatement(statement, names.get(statement.payeeId) ?? null)) };
  }

  /** approved (and not paid) → draft: the next run of the period rebuilds it. Admin only; audited. */
  async reopen(id: string): Promise<StatementView> {
    return this.change(id, async (current, tx) => {
      // A balance this statement carried forward, once taken into a later statement, ties the two: reopening
      // would change what was carried after it was recovered.
      const taker = await this.ledger.statementTakingCarryOf(tx, id);
      if (taker) {
        throw new ConflictError(`Statement ${id} carried a balance that statement ${taker.id} (${taker.period}) has taken in; it cannot be reopened`, [
          { carried_into_statement_id: taker.id, period: taker.period },
        ]);
      }
      if (current.status === 'paid')
        throw new ConflictError(`Statement ${id} is paid (${current.payrollReference}); a paid statement cannot be reopened`, [{ status: current.status }]);
      if (current.status !== 'approved')
        throw new ConflictError(`Statement ${id} is ${current.status}; only an approved statement can be reopened`, [{ status: current.status }]);
      return { status: 'draft', approvedAt: null, approvedBy: null };
    });
  }

  /** approved → paid, with payroll's reference. */
  async markPaid(id: string, payrollReference: string, principal: Principal): Promise<StatementView> {
    if (payrollReference.length < 1 || payrollReference.length > 200) {
      throw new ValidationFailedError([{ field: 'payroll_reference', message: 'must be a string of 1 to 200 characters' }]);
    }
    return this.change(id, (current) => {
      // A statement this key cannot read does not exist for it: payroll learns nothing of drafts, not even by a 409.
      if (!canRead(principal, current)) throw new NotFoundError('Statement', id);
      if (current.status === 'paid') {
        throw new ConflictError(`Statement ${id} is already paid (payroll reference ${current.payrollReference})`, [
          { status: current.status, payroll_reference: current.payrollReference },
        ]);
      }
      if (current.status !== 'approved')
        throw new ConflictError(`Statement ${id} is ${current.status}; only an approved statement can be marked paid`, [{ status: current.status }]);
      return { status: 'paid', paidAt: new Date(), paidBy: principal.keyId, payrollReference };
    });
  }

  private async change(
    id: string,
    decide: (current: StatementRecord, tx: DatabaseClient) => StatementChange | Promise<StatementChange>,
  ): Promise<StatementView> {
    const statement = await this.database.transaction(
      async (tx: DatabaseClient) => {
        await this.ledger.lockLedger(tx);
        const current = await this.statements.find(id, tx);
        if (!current) throw new NotFoundError('Statement', id);
        const next = await decide(current, tx);
        if (!(await this.statements.transition(tx, id, { status: current.status, hash: current.hash }, { ...next, at: new Date() }))) {
          throw new ConflictError(`Statement ${id} changed while it was being updated; read it again`);
        }
        const changed = (await this.statements.find(id, tx))!;
        await this.events.publish(tx, [statementEvent(EVENT_OF_STATUS[changed.status], changed)]);
        return changed;
      },
      { timeoutSeconds: LEDGER_TRANSACTION_SECONDS },
    );
    return presentStatement(statement, (await this.namesOf([statement.payeeId])).get(statement.payeeId) ?? null);
  }

  /** product.md "Disputes": an open dispute blocks the approval of its statement (409 naming it) unless overridden. */
  private async refuseOpenDisputes(tx: DatabaseClient, statementIds: string[]): Promise<void> {
    const open = await this.disputes.openOn(tx, statementIds);
    if (open.length === 0) return;
    throw new ConflictError(
      `${open.length === 1 ? `Dispute ${open[0].id} is` : `${open.length} disputes are`} open on ${statementIds.length === 1 ? `statement ${statementIds[0]}` : 'drafts of this period'}: resolve ${open.length === 1 ? 'it' : 'them'} first, or approve with "override_disputes": true`,
      open.map((dispute) => ({ dispute_id: dispute.id, statement_id: dispute.statementId, line_id: dispute.lineId })),
    );
  }

  /** The statement, when this principal may read it; a 404 otherwise (another payee's is as good as absent). */
  private async readable(principal: Principal, id: string): Promise<StatementRecord> {
    const statement = await this.statements.find(id);
    if (!statement || !canRead(principal, statement)) throw new NotFoundError('Statement', id);
    return statement;
  }

  /** Names from the payee directory (Aura's team); never part of a statement's hash. */
  private async namesOf(payeeIds: string[]): Promise<Map<string, string | null>> {
    const facts = await this.payees.factsOf(payeeIds);
    return new Map([...facts].map(([id, payee]) => [id, payee.name]));
  }
}

/** Every kind, zero where the statement has none. */
function lineCountsOf(counts: Map<string, number>): LineCountsView {
  const of = (kind: LineKind) => counts.get(kind) ?? 0;
  return { commission: of('commission'), adjustment: of('adjustment'), manual: of('manual'), carry_forward: of('carry_forward'), carried_in: of('carried_in') };
}
