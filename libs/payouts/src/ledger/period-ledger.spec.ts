import { computePayouts, Decimal, type CommissionCall, type Plan } from '@app/commission-engine';
import { deterministicUuid, lineIdOf, statementIdOf } from './line-identity';
import {
  buildPeriodStatements,
  callsToLookUp,
  CallState,
  LedgerOutcome,
  LockedLine,
  lockedLineOf,
  periodsToRecompute,
  StatementLineDraft,
  StatementStatus,
} from './period-ledger';

/**
 * The ledger against a small in-memory book of statements that applies each
 * outcome as the run's transaction would (line keys unique, as the database
 * enforces). Amounts come from the real engine under a flat 10% plan.
 */
const PLAN: Plan = {
  id: '11111111-1111-4111-8111-111111111111',
  name: 'Flat ten',
  effective_from: '2026-01-01',
  effective_to: null,
  payees: null,
  priority: 0,
  self_set: 'closer_only',
  missing_setter: 'none',
  roles: { closer: { rate: '0.10' }, setter: { flat: '50' } },
};
/** The book's clock: when a change is stored (the clawback window's end). */
const STORED_AT = new Date('2026-09-30T00:00:00Z');

function call(id: string, closerId: string, day: string, base: string, setterId: string | null = null): CommissionCall {
  return { id, closerId, setterId, baseAmount: base, commissionAt: `${day}T12:00:00Z`, commissionDay: day, period: day.slice(0, 7), attributes: {} };
}

interface BookStatement {
  id: string;
  payeeId: string;
  period: string;
  sequence: number;
  status: StatementStatus;
  version: number;
  hash: string;
  total: string;
  lines: StatementLineDraft[];
}

class Book {
  readonly statements = new Map<string, BookStatement>();
  /** The world: every stored call, and the ones no longer commissionable. */
  calls = new Map<string, CommissionCall>();
  gone = new Map<string, CallState>();
  /** When each call's earnings last changed; unset: its commission date. */
  changedAt = new Map<string, Date>();
  now = STORED_AT;

  constructor(calls: CommissionCall[]) {
    for (const entry of calls) this.calls.set(entry.id, entry);
  }

  run(period: string, options: { windowDays?: number } = {}): LedgerOutcome {
    const locked: LockedLine[] = [];
    const closed = new Set<string>();
    for (const statement of this.statements.values()) {
      if (statement.status !== 'draft') closed.add(statement.period);
      if (statement.status === 'draft' && statement.period === period) continue;
      for (const line of statement.lines) {
        const lockedLine = lockedLineOf(line, statement);
        if (lockedLine) locked.push(lockedLine);
      }
    }
    const periods = periodsToRecompute(period, locked, closed);
    const calls = [...this.calls.values()].filter((entry) => periods.includes(entry.period));
    const paid = computePayouts({ calls, plans: [PLAN], currency: 'USD', roundingMode: 'half_up' });
    const states = new Map<string, CallState>();
    for (const id of callsToLookUp(period, paid, locked)) {
      const known = this.calls.get(id);
      states.set(
        id,
        this.gone.get(id) ?? {
          id,
          period: known?.period ?? null,
          commissionAt: known ? new Date(known.commissionAt) : null,
          commissionable: !!known,
          reason: null,
          earningsChangedAt: this.changeOf(id),
        },
      );
    }
    const heads = [...this.statements.values()].filter((statement) => statement.period === period);
    const outcome = buildPeriodStatements({
      period,
      currency: 'USD',
      clawbackWindowDays: options.windowDays ?? 3650,
      negativeBalance: 'allow',
      closedPeriods: closed,
      earningsChangedAt: new Map(calls.map((entry) => [entry.id, this.changeOf(entry.id)])),
      paid,
      lockedLines: locked,
      periodStatements: heads,
      callStates: states,
    });
    this.apply(outcome);
    return outcome;
  }

  private apply(outcome: LedgerOutcome): void {
    for (const id of outcome.deletedStatementIds) this.statements.delete(id);
    for (const statement of outcome.statements) {
      if (statement.change === 'unchanged') continue;
      this.statements.set(statement.id, { ...statement, status: 'draft' });
    }
    const keys = [...this.statements.values()].flatMap((statement) => statement.lines.map((line) => line.lineKey));
    if (new Set(keys).size !== keys.length) throw new Error('duplicate line key');
  }

  approve(period: string): void {
    for (const statement of this.statements.values()) if (statement.period === period && statement.status === 'draft') statement.status = 'approved';
  }

  private changeOf(id: string): Date {
    const known = this.calls.get(id) ?? null;
    return this.changedAt.get(id) ?? (known ? new Date(known.commissionAt) : STORED_AT);
  }

  /** A call changes (its earnings), stored at the book's clock. */
  change(entry: CommissionCall): void {
    this.calls.set(entry.id, entry);
    this.changedAt.set(entry.id, this.now);
  }

  refund(id: string): void {
    const known = this.calls.get(id)!;
    this.calls.delete(id);
    this.changedAt.set(id, this.now);
    this.gone.set(id, {
      id,
      period: known.period,
      commissionAt: new Date(known.commissionAt),
      commissionable: false,
      reason: 'not_closed',
      earningsChangedAt: this.now,
    });
  }

  of(payeeId: string, period: string, status?: StatementStatus): BookStatement[] {
    return [...this.statements.values()].filter(
      (statement) => statement.payeeId === payeeId && statement.period === period && (!status || statement.status === status),
    );
  }

  /** Σ of every line of (call, role, payee) across all statements. */
  paidFor(callId: string, role: string, payeeId: string): string {
    const lines = [...this.statements.values()].flatMap((statement) => statement.lines);
    return lines
      .filter((line) => line.callId === callId && line.role === role && line.payeeId === payeeId)
      .reduce((sum, line) => sum.plus(line.amount), new Decimal(0))
      .toFixed(2);
  }
}

describe('the period ledger', () => {
  const september = [call('c1', 'ann', '2026-09-03', '1000.00', 'sam'), call('c2', 'ann', '2026-09-01', '333.33'), call('c3', 'bob', '2026-09-10', '2000.00')];

  it('pays each call once in commission-date order, totals being sums of rounded lines, with ids a rerun reproduces', () => {
    const book = new Book(september);
    const outcome = book.run('2026-09');
    const ann = outcome.statements.find((statement) => statement.payeeId === 'ann')!;
    expect(ann).toMatchObject({
      id: statementIdOf('ann', '2026-09', 1),
      sequence: 1,
      version: 1,
      change: 'new',
      commissionTotal: '133.33',
      adjustmentTotal: '0.00',
      total: '133.33',
    });
    expect(ann.lines.map((line) => [line.callId, line.amount, line.position, line.lineKey, line.id])).toEqual([
      ['c2', '33.33', 0, 'commission:c2:closer:ann', lineIdOf('commission:c2:closer:ann')],
      ['c1', '100.00', 1, 'commission:c1:closer:ann', lineIdOf('commission:c1:closer:ann')],
    ]);
    expect(outcome.statements.find((statement) => statement.payeeId === 'sam')!.lines).toEqual([
      expect.objectContaining({ callId: 'c1', role: 'setter', kind: 'commission', amount: '50.00', baseAmount: '1000.00' }),
    ]);
    expect(outcome.warnings).toEqual([]);
  });

  it('gives the same statements, hashes and versions for the same inputs, leaving them untouched', () => {
    const first = new Book(september).run('2026-09');
    const book = new Book(september);
    book.run('2026-09');
    const again = book.run('2026-09');
    expect(again.statements.map(({ change: _change, ...statement }) => statement)).toEqual(
      first.statements.map(({ change: _change, ...statement }) => statement),
    );
    expect(again.statements.every((statement) => statement.change === 'unchanged' && statement.version === 1)).toBe(true);
    // A changed input changes the hash and bumps the version of that statement only.
    book.calls.set('c3', call('c3', 'bob', '2026-09-10', '2100.00'));
    const changed = book.run('2026-09');
    expect(changed.statements.find((statement) => statement.payeeId === 'bob')).toMatchObject({ change: 'changed', version: 2, total: '210.00' });
    expect(changed.statements.find((statement) => statement.payeeId === 'ann')).toMatchObject({ change: 'unchanged', version: 1 });
  });

  it("claws back a refunded call of an approved statement in the next period's draft, pointing at the original line", () => {
    const book = new Book([...september, call('c4', 'ann', '2026-10-05', '500.00')]);
    book.run('2026-09');
    book.approve('2026-09');
    const approved = book.of('ann', '2026-09')[0];
    book.refund('c1');
    const outcome = book.run('2026-10');
    const october = outcome.statements.find((statement) => statement.payeeId === 'ann')!;
    const clawback = october.lines.find((line) => line.kind === 'adjustment')!;
    expect(clawback).toMatchObject({
      callId: 'c1',
      amount: '-100.00',
      adjustsLineId: lineIdOf('commission:c1:closer:ann'),
      lineKey: `adjustment:${lineIdOf('commission:c1:closer:ann')}:${october.id}`,
      callPeriod: '2026-09',
    });
    expect(clawback.explanation).toMatchObject({
      cause: 'not_commissionable',
      call_reason: 'not_closed',
      previously_paid: '100.00',
      now_earns: '0.00',
      difference: '-100.00',
    });
    expect(october).toMatchObject({ commissionTotal: '50.00', adjustmentTotal: '-100.00', total: '-50.00' });
    // The setter's line on the same call goes too, in their own statement.
    expect(outcome.statements.find((statement) => statement.payeeId === 'sam')!.lines).toEqual([
      expect.objectContaining({ amount: '-50.00', kind: 'adjustment' }),
    ]);
    expect(book.of('ann', '2026-09')[0]).toEqual(approved);
    expect(book.paidFor('c1', 'closer', 'ann')).toBe('0.00');
    // Running October again does not claw back twice.
    book.run('2026-10');
    expect(book.paidFor('c1', 'closer', 'ann')).toBe('0.00');
  });

  it('reports, and does not make, a clawback whose change came after the window; a raise is paid whatever its age', () => {
    const book = new Book(september);
    book.run('2026-09');
    book.approve('2026-09');
    book.now = new Date('2026-11-20T00:00:00Z'); // 78 days after c1's commission date
    book.refund('c1');
    book.change(call('c3', 'bob', '2026-09-10', '2500.00'));
    const outcome = book.run('2026-10', { windowDays: 30 });
    expect(outcome.warnings).toEqual([
      expect.objectContaining({
        code: 'clawback_outside_window',
        call_id: 'c1',
        payee_id: 'ann',
        role: 'closer',
        amount: '-100.00',
        original_line_id: lineIdOf('commission:c1:closer:ann'),
        window_days: 30,
        changed_at: '2026-11-20T00:00:00.000Z',
      }),
      expect.objectContaining({ code: 'clawback_outside_window', call_id: 'c1', payee_id: 'sam', role: 'setter', amount: '-50.00' }),
    ]);
    expect(outcome.statements.map((statement) => [statement.payeeId, statement.total])).toEqual([['bob', '50.00']]);
    // Inside the window, the same run claws back.
    const inside = book.run('2026-10', { windowDays: 90 });
    expect(inside.warnings).toEqual([]);
    expect(book.paidFor('c1', 'closer', 'ann')).toBe('0.00');
  });

  it('is not delayed by a later change to another call of the payee that cannot move this line (a flat plan)', () => {
    const book = new Book(september);
    book.run('2026-09');
    book.approve('2026-09');
    book.now = new Date('2026-09-10T00:00:00Z'); // 7 days after c1
    book.refund('c1');
    book.now = new Date('2026-11-01T00:00:00Z'); // c2 of the same closer changes 61 days after its date
    book.change(call('c2', 'ann', '2026-09-01', '400.00'));
    const october = book.run('2026-10', { windowDays: 30 });
    expect(october.warnings).toEqual([]);
    expect(book.paidFor('c1', 'closer', 'ann')).toBe('0.00');
    expect(book.paidFor('c2', 'closer', 'ann')).toBe('40.00'); // a raise is always paid
  });

  it('measures the window to the change, not to the run: a change inside it is clawed back however late the run', () => {
    const book = new Book(september);
    book.run('2026-09');
    book.approve('2026-09');
    book.now = new Date('2026-09-20T00:00:00Z'); // 17 days after c1
    book.refund('c1');
    book.now = new Date('2027-06-01T00:00:00Z'); // the run happens much later: it does not matter
    const late = book.run('2026-10', { windowDays: 30 });
    expect(late.warnings).toEqual([]);
    expect(book.paidFor('c1', 'closer', 'ann')).toBe('0.00');
    const again = book.run('2026-10', { windowDays: 30 });
    expect(again.statements.every((statement) => statement.change === 'unchanged')).toBe(true);
  });

  it('puts what a rerun of an approved period finds into a supplementary statement (sequence 2), never into the approved one', () => {
    const book = new Book(september);
    book.run('2026-09');
    book.approve('2026-09');
    const approved = book.of('bob', '2026-09')[0];
    book.calls.set('c5', call('c5', 'bob', '2026-09-20', '100.00'));
    book.calls.set('c3', call('c3', 'bob', '2026-09-10', '2200.00'));
    const outcome = book.run('2026-09');
    expect(outcome.statements.map((statement) => statement.payeeId)).toEqual(['bob']);
    const supplementary = outcome.statements[0];
    expect(supplementary).toMatchObject({
      id: statementIdOf('bob', '2026-09', 2),
      sequence: 2,
      commissionTotal: '10.00',
      adjustmentTotal: '20.00',
      total: '30.00',
    });
    expect(book.of('bob', '2026-09', 'approved')).toEqual([approved]);
  });

  it('drops a draft whose payee no longer earns anything', () => {
    const book = new Book(september);
    book.run('2026-09');
    book.refund('c3');
    const outcome = book.run('2026-09');
    expect(outcome.deletedStatementIds).toEqual([statementIdOf('bob', '2026-09', 1)]);
    expect(book.of('bob', '2026-09')).toEqual([]);
  });

  it('pays a call of an approved period that first earns late as an adjustment pointing at no line, once; leaves an open period to its own run', () => {
    const book = new Book(september);
    book.run('2026-09');
    book.approve('2026-09');
    book.change(call('late', 'ann', '2026-09-29', '900.00'));
    book.change(call('c6', 'ann', '2026-10-02', '10.00'));
    book.change(call('nov', 'ann', '2026-08-15', '500.00')); // August was never run: not October's to pay
    const october = book.run('2026-10');
    const lines = october.statements.flatMap((statement) => statement.lines);
    expect(lines.map((line) => [line.callId, line.kind, line.amount, line.adjustsLineId])).toEqual([
      ['late', 'adjustment', '90.00', null],
      ['c6', 'commission', '1.00', null],
    ]);
    const late = lines[0];
    expect(late.lineKey).toBe(`adjustment:${lineIdOf('commission:late:closer:ann')}:${statementIdOf('ann', '2026-10', 1)}`);
    expect(late.explanation).toMatchObject({ cause: 'late', original_line_id: null, previously_paid: '0.00', now_earns: '90.00', difference: '90.00' });
    expect(late.explanation.sentence).toContain('late payment');
    book.approve('2026-10');
    expect(book.run('2026-11').statements).toEqual([]);
    expect(book.paidFor('late', 'closer', 'ann')).toBe('90.00');
    // A refund of the late-paid call after approval adjusts the late line.
    book.now = new Date('2026-10-05T00:00:00Z');
    book.refund('late');
    const november = book.run('2026-11', { windowDays: 90 });
    const clawback = november.statements.flatMap((statement) => statement.lines).find((line) => line.callId === 'late')!;
    expect(clawback).toMatchObject({ kind: 'adjustment', amount: '-90.00', adjustsLineId: late.id });
  });

  it('keeps the books right when a period is reopened and rebuilt after a later period adjusted its calls', () => {
    const book = new Book(september);
    book.run('2026-09');
    book.approve('2026-09');
    book.refund('c1');
    book.run('2026-10'); // claws c1 back in October's draft
    // An admin reopens September; c1 is paid again upstream; September is rebuilt.
    for (const statement of book.statements.values()) if (statement.period === '2026-09') statement.status = 'draft';
    book.calls.set('c1', call('c1', 'ann', '2026-09-03', '1000.00', 'sam'));
    book.gone.delete('c1');
    book.run('2026-09');
    expect(book.paidFor('c1', 'closer', 'ann')).toBe('100.00');
    const annSeptember = book.of('ann', '2026-09')[0];
    expect(annSeptember.lines.map((line) => [line.callId, line.kind, line.amount])).toEqual([
      ['c2', 'commission', '33.33'],
      ['c1', 'commission', '100.00'],
      ['c1', 'adjustment', '100.00'], // offsets October's clawback, which is a pending payment already
    ]);
    // Each period treats the other's draft as a pending payment: reruns keep the pair and change nothing more.
    book.run('2026-10');
    expect(book.run('2026-09').statements.every((statement) => statement.change === 'unchanged')).toBe(true);
    expect(book.run('2026-10').statements.every((statement) => statement.change === 'unchanged')).toBe(true);
    expect(book.paidFor('c1', 'closer', 'ann')).toBe('100.00');
    expect(book.paidFor('c1', 'setter', 'sam')).toBe('50.00');
  });
});

describe('line identities', () => {
  it('are uuid-shaped (version 5 nibble, RFC variant), stable, and distinct per key', () => {
    const id = deterministicUuid('commission:c1:closer:ann');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(deterministicUuid('commission:c1:closer:ann')).toBe(id);
    expect(deterministicUuid('commission:c1:closer:bob')).not.toBe(id);
    expect(lineIdOf('x')).not.toBe(statementIdOf('x', '2026-01', 1));
  });
});
