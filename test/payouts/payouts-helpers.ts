import { Decimal } from 'decimal.js';
import { computePayouts } from '@app/commission-engine';
import { CallsReader } from '@app/ingestion';
import { DatabaseService } from '@app/persistence';
import { PlansReader } from '@app/plans';
import type { TestApp } from '../support/test-app';

export interface RunBody {
  id: string;
  period: string;
  status: string;
  trigger: string;
  error: string | null;
  counts: {
    calls: number;
    lines: number;
    commission_lines: number;
    adjustments: number;
    statements: number;
    payees: number;
    periods: { computed: { period: string; reason: string }[]; skipped: string[] } | null;
  } | null;
  recompute: 'changed' | 'all';
  unplanned: { call_id: string; role: string; payee_id: string }[];
  warnings: { code: string; [detail: string]: unknown }[];
  duration_ms: number | null;
}

export interface LineBody {
  id: string;
  line_key: string;
  call_id: string;
  call_period: string;
  role: 'closer' | 'setter';
  kind: 'commission' | 'adjustment' | 'manual' | 'carry_forward' | 'carried_in';
  position: number;
  base_amount: string;
  amount: string;
  plan_id: string | null;
  adjusts_line_id: string | null;
  explanation: Record<string, any>;
}

export interface StatementBody {
  id: string;
  payee_id: string;
  period: string;
  sequence: number;
  currency: string;
  status: 'draft' | 'approved' | 'paid';
  commission_total: string;
  adjustment_total: string;
  total: string;
  version: number;
  hash: string;
  approved_at: string | null;
  paid_at: string | null;
  payroll_reference: string | null;
  lines?: LineBody[];
}

export async function waitForRun(t: TestApp, key: string, id: string, timeoutMs = 120_000): Promise<RunBody> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = (await t.as(key).get(`/v1/runs/${id}`).expect(200)).body as RunBody;
    if (run.status === 'succeeded' || run.status === 'failed') return run;
    if (Date.now() > deadline) throw new Error(`run ${id} still ${run.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Starts a run and waits for it to end. */
export async function runPeriod(t: TestApp, key: string, period: string, sync = false, recompute?: 'changed' | 'all'): Promise<RunBody> {
  const started = await t
    .as(key)
    .post('/v1/runs')
    .send({ period, sync, ...(recompute ? { recompute } : {}) })
    .expect(202);
  return waitForRun(t, key, started.body.id);
}

/** Every item of a paginated list. */
export async function allPages<T>(t: TestApp, key: string, path: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const page: { body: { data: T[]; pagination: { next_cursor: string | null } } } = await t
      .as(key)
      .get(`${path}${separator}limit=100${cursor ? `&cursor=${cursor}` : ''}`)
      .expect(200);
    items.push(...page.body.data);
    cursor = page.body.pagination.next_cursor;
  } while (cursor);
  return items;
}

export async function statementsOf(t: TestApp, key: string, period: string, status?: string): Promise<StatementBody[]> {
  const listed = await allPages<StatementBody>(t, key, `/v1/statements?period=${period}${status ? `&status=${status}` : ''}`);
  const full: StatementBody[] = [];
  for (const statement of listed) full.push((await t.as(key).get(`/v1/statements/${statement.id}`).expect(200)).body);
  return full;
}

export function sum(amounts: string[]): Decimal {
  return amounts.reduce((total, amount) => total.plus(amount), new Decimal(0));
}

/** total = commission_total + adjustment_total = Σ lines, each sum over its kind's lines. */
export function expectConsistent(statement: StatementBody): void {
  const lines = statement.lines ?? [];
  const commission = sum(lines.filter((line) => line.kind === 'commission').map((line) => line.amount));
  // adjustment_total holds every line that is not a commission: adjustments, manual lines, carried balances.
  const adjustment = sum(lines.filter((line) => line.kind !== 'commission').map((line) => line.amount));
  if (!commission.eq(statement.commission_total))
    throw new Error(`${statement.id}: commission_total ${statement.commission_total} ≠ Σ commission lines ${commission}`);
  if (!adjustment.eq(statement.adjustment_total))
    throw new Error(`${statement.id}: adjustment_total ${statement.adjustment_total} ≠ Σ other lines ${adjustment}`);
  if (!commission.plus(adjustment).eq(statement.total)) throw new Error(`${statement.id}: total ${statement.total} ≠ commission + adjustments`);
  if (!sum(lines.map((line) => line.amount)).eq(statement.total)) throw new Error(`${statement.id}: total ≠ Σ lines`);
}

/** A strict RFC 4180 reader: CRLF records, quoted fields with doubled quotes. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let index = 0;
  while (index < text.length) {
    const char = text[index];
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"';
        index += 2;
      } else if (char === '"') {
        quoted = false;
        index += 1;
      } else {
        field += char;
        index += 1;
      }
      continue;
    }
    if (char === '"' && field === '') {
      quoted = true;
      index += 1;
    } else if (char === ',') {
      row.push(field);
      field = '';
      index += 1;
    } else if (char === '\r' && text[index + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      index += 2;
    } else if (char === '\n' || char === '\r') {
      throw new Error(`bare line break at ${index}: RFC 4180 records end with CRLF`);
    } else {
      field += char;
      index += 1;
    }
  }
  if (field !== '' || row.length > 0) throw new Error('the last record does not end with CRLF');
  return rows;
}

/** The plan of the suites: marginal amount tiers for closers, a flat for the setters it names. */
export function closerPlan(): Record<string, unknown> {
  return {
    name: 'Closers 2026',
    effective_from: '2026-01-01',
    effective_to: null,
    payees: null,
    priority: 0,
    self_set: 'closer_only',
    missing_setter: 'none',
    roles: {
      closer: {
        rate: '0.10',
        tiers: {
          basis: 'amount',
          mode: 'marginal',
          steps: [
            { from: '0', rate: '0.08' },
            { from: '25000', rate: '0.115' },
          ],
        },
        max_per_call: '2500',
      },
    },
  };
}

export function setterPlan(payees: string[]): Record<string, unknown> {
  return {
    name: 'Named setters 2026',
    effective_from: '2026-01-01',
    effective_to: null,
    payees,
    priority: 0,
    self_set: 'closer_only',
    missing_setter: 'none',
    roles: { setter: { rate: '0.0125', flat: '35' } },
  };
}

/**
 * The ledger invariant: for every (call, role, payee), the lines of all
 * statements together equal what the engine pays now — nothing paid twice,
 * nothing owed left unpaid. `except` holds keys (call:role:payee) a run
 * reported as clawbacks outside the window, with their amounts.
 */
export async function expectLedgerMatchesEngine(t: TestApp, periods: string[], except: Map<string, string> = new Map()): Promise<void> {
  const calls = await t.app.get(CallsReader).commissionCallsForPeriods(periods);
  const plans = await t.app.get(PlansReader).allPlans();
  const expected = new Map<string, string>();
  for (const line of computePayouts({ calls, plans, currency: 'USD', roundingMode: 'half_up' }).lines) {
    expected.set(`${line.callId}:${line.role}:${line.payeeId}`, line.amount);
  }
  // The call lines (commission, adjustment): finance's entries and carried balances are the statement's own.
  const rows = await t.app.get(DatabaseService).client.statementLine.findMany({
    where: { kind: { in: ['commission', 'adjustment'] } },
    select: { callId: true, role: true, payeeId: true, amount: true },
  });
  const paid = new Map<string, Decimal>();
  for (const row of rows) {
    const key = `${row.callId}:${row.role}:${row.payeeId}`;
    paid.set(key, (paid.get(key) ?? new Decimal(0)).plus(row.amount.toString()));
  }
  for (const key of new Set([...expected.keys(), ...paid.keys()])) {
    const owed = new Decimal(expected.get(key) ?? 0).minus(except.get(key) ?? 0);
    expect([key, (paid.get(key) ?? new Decimal(0)).toFixed(2)]).toEqual([key, owed.toFixed(2)]);
  }
}

/** A run's warnings but `unknown_payee` (the sandbox leaves some people out of Aura's team on purpose). */
export function warningsBesidesUnknownPayees(run: RunBody): RunBody['warnings'] {
  return run.warnings.filter((warning) => warning.code !== 'unknown_payee');
}

/** CSV rows as objects keyed by the header row. */
export function csvRecords(rows: string[][]): Record<string, string>[] {
  const [header, ...records] = rows;
  return records.map((cells) => Object.fromEntries(header.map((name, index) => [name, cells[index]])));
}
