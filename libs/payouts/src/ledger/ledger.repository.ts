import { Injectable } from '@nestjs/common';
import type { Role } from '@app/commission-engine';
import { minorUnitDigits } from '@app/commission-engine';
import { DatabaseClient, DatabaseService, decimalColumnToString, decimalTextToString, lockKey } from '@app/persistence';
import { Decimal } from '@app/commission-engine';
import {
  type LedgerOutcome,
  type LineKind,
  type LockedLine,
  type ManualEntry,
  type OutstandingCarry,
  type PeriodStatementHead,
  type StatementLineDraft,
  type StatementStatus,
} from './period-ledger';

/** Lines per INSERT (a few MB of JSON at most). */
const INSERT_CHUNK = 2_000;

/** The rows the ledger of a run reads and writes. Every method runs in the caller's transaction. */
/** How long a transaction that takes the ledger lock may last: it may first wait for a run's write of statements. */
export const LEDGER_TRANSACTION_SECONDS = 120;

@Injectable()
export class LedgerRepository {
  constructor(private readonly database: DatabaseService) {}

  /**
   * Serialises the write phase of runs across periods and replicas until the
   * transaction ends (a transaction-scoped advisory lock; PGlite is
   * PostgreSQL too).
   */
  async lockLedger(tx: DatabaseClient): Promise<void> {
    const [high, low] = lockKey('payouts:ledger');
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${high}::int4, ${low}::int4)`;
  }

  /**
   * A digest of every statement a run of `period` depends on: ids, hashes
   * and statuses of all statements (a reopen or approval anywhere can change
   * what the run may carry in or settle). Any write another
   * run or an approval makes in between changes it.
   */
  async fingerprint(tx: DatabaseClient): Promise<string> {
    const rows = await tx.$queryRaw<{ fingerprint: string }[]>`
      SELECT md5(coalesce(string_agg(
        id::text || ':' || hash || ':' || status, ',' ORDER BY id), '')) AS fingerprint
      FROM statements`;
    return rows[0].fingerprint;
  }

  /**
   * The locked lines (of approved and paid statements, and of drafts of
   * other periods) of every call that has a line paying it in one of
   * `periods`: all of each such call's lines, whichever period they sit in,
   * so the ledger settles a (call, role, payee) against everything paid on it.
   */
  async lockedLines(tx: DatabaseClient, period: string, periods: readonly string[], callIds: readonly string[] = []): Promise<LockedLine[]> {
    if (periods.length === 0 && callIds.length === 0) return [];
    // Two statements, each with its values as a text[] parameter: the planner then sees how many calls are
    // wanted (a jsonb list reads as 100 rows whatever its length) and looks their lines up by index, where
    // one statement with the list inline read every line of the ledger once history had grown.
    const inPeriods =
      periods.length === 0
        ? []
        : await tx.$queryRaw<{ call_id: string }[]>`
            SELECT DISTINCT call_id FROM statement_lines WHERE call_period = ANY (${[...periods]}::text[]) AND call_id IS NOT NULL`;
    const wanted = [...new Set([...inPeriods.map((row) => row.call_id), ...callIds])];
    if (wanted.length === 0) return [];
    const rows = await tx.$queryRaw<
      {
        id: string;
        line_key: string;
        statement_id: string;
        statement_period: string;
        call_id: string;
        call_period: string;
        payee_id: string;
        role: string;
        kind: string;
        base_amount: string;
        amount: string;
        plan_id: string | null;
        adjusts_line_id: string | null;
        currency: string;
      }[]
    >`
      SELECT l.id::text AS id, l.line_key, l.statement_id::text AS statement_id, s.period AS statement_period, l.call_id, l.call_period,
             l.payee_id, l.role, l.kind, l.base_amount::text AS base_amount, l.amount::text AS amount, l.plan_id::text AS plan_id,
             l.adjusts_line_id::text AS adjusts_line_id, s.currency
        FROM statement_lines l JOIN statements s ON s.id = l.statement_id
       WHERE l.call_id = ANY (${wanted}::text[]) AND l.kind IN ('commission', 'adjustment') AND (s.status IN ('approved', 'paid') OR s.period <> ${period})
       ORDER BY l.id`;
    return rows.map((row) => {
      const digits = minorUnitDigits(row.currency);
      return {
        id: row.id,
        lineKey: row.line_key,
        statementId: row.statement_id,
        statementPeriod: row.statement_period,
        callId: row.call_id,
        callPeriod: row.call_period,
        payeeId: row.payee_id,
        role: row.role as Role,
        kind: row.kind as LineKind,
        baseAmount: decimalTextToString(row.base_amount, digits),
        amount: decimalTextToString(row.amount, digits),
        planId: row.plan_id,
        adjustsLineId: row.adjusts_line_id,
      };
    });
  }

  /**
   * The periods a run of `period` must compute because it rebuilds that
   * period's drafts from scratch: the periods of their call lines, and the
   * periods those lines' calls belong to now (a call that moved). Reads
   * calls.period: the one place the ledger joins the calls table.
   */
  async draftLinePeriods(tx: DatabaseClient, period: string): Promise<Set<string>> {
    const rows = await tx.$queryRaw<{ period: string }[]>`
      SELECT DISTINCT l.call_period AS period FROM statement_lines l JOIN statements s ON s.id = l.statement_id
       WHERE s.period = ${period} AND s.status = 'draft' AND l.call_period IS NOT NULL
      UNION
      SELECT DISTINCT c.period FROM statement_lines l JOIN statements s ON s.id = l.statement_id JOIN calls c ON c.id = l.call_id
       WHERE s.period = ${period} AND s.status = 'draft' AND c.period IS NOT NULL AND c.period <> l.call_period`;
    return new Set(rows.map((row) => row.period));
  }

  /**
   * Whether any call has a line in another period than the one it belongs to
   * now (its commission date moved). Only calls whose period ever changed can
   * (calls.moved_at, stamped by the calls trigger and set for older moves by
   * the migration that indexed it), so this reads those few calls and their
   * lines, not the whole ledger: its cost does not grow with history.
   */
  async anyMovedCall(tx: DatabaseClient): Promise<boolean> {
    const [row] = await tx.$queryRaw<{ moved: boolean }[]>`
      SELECT EXISTS (SELECT 1 FROM calls c JOIN statement_lines l ON l.call_id = c.id
                      WHERE c.moved_at IS NOT NULL AND l.call_period IS NOT NULL AND c.period IS DISTINCT FROM l.call_period) AS moved`;
    return row.moved;
  }

  /** The periods each of these calls has lines in, any statement. */
  async linePeriodsOf(tx: DatabaseClient, callIds: readonly string[]): Promise<Map<string, string[]>> {
    const periods = new Map<string, string[]>();
    if (callIds.length === 0) return periods;
    const rows = await tx.$queryRaw<{ call_id: string; call_period: string }[]>`
      SELECT DISTINCT call_id, call_period FROM statement_lines
       WHERE call_id IN (SELECT jsonb_array_elements_text(${JSON.stringify(callIds)}::jsonb)) AND call_period IS NOT NULL`;
    for (const row of rows) periods.set(row.call_id, [...(periods.get(row.call_id) ?? []), row.call_period]);
    return periods;
  }

  /**
   * Carry_forward lines of approved or paid statements before `period` whose
   * balance no statement has carried in yet, but P's own drafts (rebuilt now).
   */
  async outstandingCarries(tx: DatabaseClient, period: string): Promise<OutstandingCarry[]> {
    const rows = await tx.$queryRaw<{ line_id: string; statement_id: string; period: string; payee_id: string; amount: string; currency: string }[]>`
      SELECT l.id::text AS line_id, s.id::text AS statement_id, s.period, s.payee_id, l.amount::text AS amount, s.currency
      FROM statement_lines l JOIN statements s ON s.id = l.statement_id
      WHERE l.kind = 'carry_forward' AND s.status IN ('approved', 'paid') AND s.period < ${period}
        AND NOT EXISTS (
          SELECT 1 FROM statement_lines c JOIN statements cs ON cs.id = c.statement_id
          WHERE c.line_key = 'carried_in:' || l.id::text AND NOT (cs.period = ${period} AND cs.status = 'draft'))
      ORDER BY s.period, l.id`;
    return rows.map((row) => ({
      lineId: row.line_id,
      statementId: row.statement_id,
      period: row.period,
      payeeId: row.payee_id,
      amount: decimalColumnToString(new Decimal(row.amount), minorUnitDigits(row.currency)),
    }));
  }

  /** The statement (any status) that took in a balance carried forward by statement `id`, if one did. */
  async statementTakingCarryOf(tx: DatabaseClient, id: string): Promise<{ id: string; period: string } | null> {
    const rows = await tx.$queryRaw<{ id: string; period: string }[]>`
      SELECT s.id::text AS id, s.period FROM statement_lines l
      JOIN statement_lines c ON c.line_key = 'carried_in:' || l.id::text
      JOIN statements s ON s.id = c.statement_id
      WHERE l.statement_id = ${id}::uuid AND l.kind = 'carry_forward' LIMIT 1`;
    return rows[0] ?? null;
  }

  /** A payee's carry_forward lines (approved or paid) that no statement has carried in yet, drafts included. */
  async carriesNotRecovered(payeeId: string): Promise<OutstandingCarry[]> {
    const rows = await this.database.client.$queryRaw<{ line_id: string; statement_id: string; period: string; amount: string; currency: string }[]>`
      SELECT l.id::text AS line_id, s.id::text AS statement_id, s.period, l.amount::text AS amount, s.currency
      FROM statement_lines l JOIN statements s ON s.id = l.statement_id
      WHERE l.kind = 'carry_forward' AND s.payee_id = ${payeeId} AND s.status IN ('approved', 'paid')
        AND NOT EXISTS (SELECT 1 FROM statement_lines c WHERE c.line_key = 'carried_in:' || l.id::text)
      ORDER BY s.period, l.id`;
    return rows.map((row) => ({
      lineId: row.line_id,
      statementId: row.statement_id,
      period: row.period,
      payeeId,
      amount: decimalColumnToString(new Decimal(row.amount), minorUnitDigits(row.currency)),
    }));
  }

  /** Finance's live entries for the drafts of `period` (an entry of an approved or paid statement is frozen with it). */
  async manualEntries(tx: DatabaseClient, period: string): Promise<ManualEntry[]> {
    const rows = await tx.$queryRaw<
      {
        id: string;
        payee_id: string;
        period: string;
        amount: string;
        currency: string;
        category: string;
        reason: string;
        created_by: string | null;
        created_at: Date;
      }[]
    >`
      SELECT m.id::text AS id, m.payee_id, m.period, m.amount::text AS amount, m.currency, m.category, m.reason, m.created_by, m.created_at
      FROM manual_adjustments m LEFT JOIN statements s ON s.id = m.statement_id
      WHERE m.period = ${period} AND m.deleted_at IS NULL AND (s.id IS NULL OR s.status = 'draft')
      ORDER BY m.created_at, m.id`;
    return rows.map((row) => ({
      id: row.id,
      payeeId: row.payee_id,
      period: row.period,
      amount: decimalColumnToString(new Decimal(row.amount), minorUnitDigits(row.currency)),
      category: row.category,
      reason: row.reason,
      createdBy: row.created_by,
      createdAt: new Date(row.created_at),
    }));
  }

  /** Points each entry at the draft now holding its line (a rerun may rebuild a payee's draft under another sequence). */
  async repointManualEntries(
    tx: DatabaseClient,
    statements: readonly { id: string; lines: readonly { kind: string; explanation: Record<string, unknown> }[] }[],
  ): Promise<void> {
    for (const statement of statements) {
      const ids = statement.lines.filter((line) => line.kind === 'manual').map((line) => String(line.explanation['adjustment_id']));
      if (ids.length > 0)
        await tx.manualAdjustment.updateMany({ where: { id: { in: ids }, statementId: { not: statement.id } }, data: { statementId: statement.id } });
    }
  }

  /** Periods with an approved or paid statement. */
  async closedPeriods(tx: DatabaseClient): Promise<Set<string>> {
    // SQL DISTINCT: Prisma's `distinct` would read every approved statement and dedupe in memory.
    const rows = await tx.$queryRaw<{ period: string }[]>`SELECT DISTINCT period FROM statements WHERE status IN ('approved', 'paid')`;
    return new Set(rows.map((row) => row.period));
  }

  /** Every statement of the period; `forUpdate` locks the rows until the transaction ends. */
  async periodStatements(tx: DatabaseClient, period: string, forUpdate = false): Promise<PeriodStatementHead[]> {
    const rows = forUpdate
      ? await tx.$queryRaw<{ id: string; payee_id: string; sequence: number; status: string; version: number; hash: string }[]>`
          SELECT id::text AS id, payee_id, sequence, status, version, hash FROM statements WHERE period = ${period} ORDER BY payee_id, sequence FOR UPDATE`
      : (
          await tx.statement.findMany({
            where: { period },
            select: { id: true, payeeId: true, sequence: true, status: true, version: true, hash: true },
            orderBy: [{ payeeId: 'asc' }, { sequence: 'asc' }],
          })
        ).map((row) => ({ id: row.id, payee_id: row.payeeId, sequence: row.sequence, status: row.status, version: row.version, hash: row.hash }));
    return rows.map((row) => ({
      id: row.id,
      payeeId: row.payee_id,
      sequence: Number(row.sequence),
      status: row.status as StatementStatus,
      version: Number(row.version),
      hash: row.hash,
    }));
  }

  /**
   * Rewrites the period's drafts as the ledger says: drops the lines of every
   * changed or vanished draft, deletes vanished drafts, updates changed ones
   * in place, inserts new ones, then inserts their lines. Unchanged drafts
   * are not touched. Refuses (throws) if a draft it replaces is no longer a
   * draft; `line_key` is unique, so a line can never be written twice.
   */
  async writePeriod(tx: DatabaseClient, outcome: LedgerOutcome, runId: string | null, at: Date): Promise<void> {
    const written = outcome.statements.filter((statement) => statement.change !== 'unchanged');
    const changed = written.filter((statement) => statement.change === 'changed');
    const cleared = [...changed.map((statement) => statement.id), ...outcome.deletedStatementIds];
    if (cleared.length > 0) await tx.statementLine.deleteMany({ where: { statementId: { in: cleared } } });
    if (outcome.deletedStatementIds.length > 0) {
      const deleted = await tx.statement.deleteMany({ where: { id: { in: outcome.deletedStatementIds }, status: 'draft' } });
      if (deleted.count !== outcome.deletedStatementIds.length) throw new Error('a draft statement this run replaces is no longer a draft');
    }
    for (const statement of changed) {
      const updated = await tx.statement.updateMany({
        where: { id: statement.id, status: 'draft' },
        data: {
          commissionTotal: statement.commissionTotal,
          adjustmentTotal: statement.adjustmentTotal,
          total: statement.total,
          version: statement.version,
          hash: statement.hash,
          runId,
          updatedAt: at,
        },
      });
      if (updated.count !== 1) throw new Error(`draft statement ${statement.id} is no longer a draft`);
    }
    const created = written.filter((statement) => statement.change === 'new');
    if (created.length > 0) {
      await tx.statement.createMany({
        data: created.map((statement) => ({
          id: statement.id,
          payeeId: statement.payeeId,
          period: statement.period,
          sequence: statement.sequence,
          currency: statement.currency,
          status: 'draft',
          commissionTotal: statement.commissionTotal,
          adjustmentTotal: statement.adjustmentTotal,
          total: statement.total,
          version: statement.version,
          hash: statement.hash,
          runId,
          createdAt: at,
          updatedAt: at,
        })),
      });
    }
    const lines = written.flatMap((statement) => statement.lines.map((line) => ({ statementId: statement.id, line })));
    // One set-based INSERT per chunk: the lines travel as one JSON parameter, PostgreSQL unpacks them. The next
    // chunk's JSON is built while PostgreSQL inserts this one (one statement in flight at a time).
    let inFlight: Promise<{ error: unknown } | null> | null = null;
    try {
      for (let start = 0; start < lines.length; start += INSERT_CHUNK) {
        const json = JSON.stringify(lines.slice(start, start + INSERT_CHUNK).map(({ statementId, line }) => lineRow(line, statementId, runId)));
        if (inFlight) await settledOrThrow(inFlight);
        inFlight = tx.$executeRaw`
          INSERT INTO statement_lines (id, line_key, statement_id, run_id, call_id, call_period, payee_id, role, kind, "position",
                                       base_amount, amount, plan_id, adjusts_line_id, explanation, created_at)
          SELECT id, line_key, statement_id, run_id, call_id, call_period, payee_id, role, kind, "position",
                 base_amount, amount, plan_id, adjusts_line_id, explanation, ${at}
          FROM jsonb_to_recordset(${json}::jsonb) AS line(
            id uuid, line_key text, statement_id uuid, run_id uuid, call_id text, call_period text, payee_id text, role text, kind text,
            "position" int, base_amount numeric, amount numeric, plan_id uuid, adjusts_line_id uuid, explanation jsonb)`.then(
          () => null,
          (error: unknown) => ({ error }),
        );
        // Let the statement reach the connection before the next chunk's JSON takes the thread.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      if (inFlight) await settledOrThrow(inFlight);
      inFlight = null;
    } finally {
      // Building a chunk threw while the one before it ran: let that statement end before the transaction rolls back.
      if (inFlight) await inFlight;
    }
  }
}

/** A statement line as the INSERT's JSON row. */
function lineRow(line: StatementLineDraft, statementId: string, runId: string | null): Record<string, unknown> {
  return {
    id: line.id,
    line_key: line.lineKey,
    statement_id: statementId,
    run_id: runId,
    call_id: line.callId,
    call_period: line.callPeriod,
    payee_id: line.payeeId,
    role: line.role,
    kind: line.kind,
    position: line.position,
    base_amount: line.baseAmount,
    amount: line.amount,
    plan_id: line.planId,
    adjusts_line_id: line.adjustsLineId,
    explanation: line.explanation,
  };
}

/** Waits for a statement sent ahead; its failure is thrown here, where the loop can stop. */
async function settledOrThrow(sent: Promise<{ error: unknown } | null>): Promise<void> {
  const failed = await sent;
  if (failed) throw failed.error;
}
