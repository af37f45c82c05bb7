import { createAuraSandbox, type AuraSandbox } from '@app/aura-sandbox';
import { previousMonth } from '@app/payouts';
import { DatabaseService } from '@app/persistence';
import { syncToEnd } from '../support/sync-helpers';
import { createKey, startTestApp, TEST_ADMIN_KEY, type TestApp } from '../support/test-app';
import { allPages, closerPlan, expectConsistent, runPeriod, sum, type LineBody, type StatementBody } from './payouts-helpers';

/**
 * docs/payouts.md "Statements": the view carries totals, counts and the first
 * 100 lines; every line, with its explanation, is a page of
 * GET /v1/statements/:id/lines away.
 */
describe('paged statement lines (embedded PGlite)', () => {
  let sandbox: AuraSandbox;
  let t: TestApp;
  let finance: string;
  let big: StatementBody & {
    lines: LineBody[];
    line_count: number;
    line_counts: Record<string, number>;
    lines_pagination: { has_more: boolean; next_cursor: string | null };
  };
  const period = previousMonth(new Date(), 'UTC');

  beforeAll(async () => {
    // Two closers share 600 calls: a statement holds more than a page of lines.
    sandbox = await createAuraSandbox({ calls: 600, seed: 95, months: 1, endMonth: period, closers: 2, setters: 0, rateLimit: { perMinute: null } });
    t = await startTestApp({ AURA_API_URL: sandbox.url, AURA_API_KEY: sandbox.apiKey });
    finance = (await createKey(t, 'finance')).secret;
    expect((await syncToEnd(t)).status).toBe('succeeded');
    await t.as(finance).post('/v1/plans').send(closerPlan()).expect(201);
    expect((await runPeriod(t, finance, period)).status).toBe('succeeded');
    const [first] = await allPages<StatementBody>(t, finance, `/v1/statements?period=${period}`);
    big = (await t.as(finance).get(`/v1/statements/${first.id}`).expect(200)).body;
  }, 180_000);
  afterAll(async () => {
    await t?.close();
    await sandbox?.close();
  });

  it('shows totals, counts by kind and the first 100 lines; the lines route pages through every line, whose sum is the total', async () => {
    expect(big.line_count).toBeGreaterThan(100);
    expect(big.line_counts.commission).toBe(big.line_count);
    expect(big.lines).toHaveLength(100);
    expect(big.lines_pagination).toEqual({ has_more: true, next_cursor: expect.any(String) });
    const lines = await allPages<LineBody>(t, finance, `/v1/statements/${big.id}/lines`);
    expect(lines).toHaveLength(big.line_count);
    expect(lines.slice(0, 100)).toEqual(big.lines);
    expect(lines.map((line) => line.position)).toEqual([...lines.map((line) => line.position)].sort((a, b) => a - b));
    expect(new Set(lines.map((line) => line.id)).size).toBe(lines.length);
    expect(sum(lines.map((line) => line.amount)).toFixed(2)).toBe(big.total);
    expectConsistent({ ...big, lines });
    for (const line of lines) expect(line.explanation.sentence).toEqual(expect.any(String));
    // The view's cursor continues where its lines stop.
    const next = await t.as(finance).get(`/v1/statements/${big.id}/lines?cursor=${big.lines_pagination.next_cursor}&limit=5`).expect(200);
    expect(next.body.data).toEqual(lines.slice(100, 105));
  });

  it('refuses a cursor of an earlier version of the statement (a run rewrote it): 409, read again from the first page', async () => {
    const database = t.app.get(DatabaseService).client;
    await database.statement.update({ where: { id: big.id }, data: { version: { increment: 1 } } });
    try {
      const stale = await t.as(finance).get(`/v1/statements/${big.id}/lines?cursor=${big.lines_pagination.next_cursor}`).expect(409);
      expect(stale.body.error).toMatch(/changed since this cursor was issued/);
      const fresh = (await t.as(finance).get(`/v1/statements/${big.id}`).expect(200)).body as typeof big;
      await t.as(finance).get(`/v1/statements/${big.id}/lines?cursor=${fresh.lines_pagination.next_cursor}`).expect(200);
    } finally {
      await database.statement.update({ where: { id: big.id }, data: { version: { decrement: 1 } } });
    }
  });

  it('filters by kind, role and call_id', async () => {
    const someLine = big.lines[7];
    const ofCall = await t
      .as(finance)
      .get(`/v1/statements/${big.id}/lines?call_id=${encodeURIComponent(someLine.call_id)}`)
      .expect(200);
    expect(ofCall.body.data).toEqual([someLine]);
    expect((await t.as(finance).get(`/v1/statements/${big.id}/lines?kind=manual`).expect(200)).body.data).toEqual([]);
    expect((await t.as(finance).get(`/v1/statements/${big.id}/lines?role=setter`).expect(200)).body.data).toEqual([]);
    expect((await t.as(finance).get(`/v1/statements/${big.id}/lines?role=closer&limit=3`).expect(200)).body.data).toEqual(big.lines.slice(0, 3));
  });

  it('refuses a bad filter or cursor with a 400 naming it, and hides the lines of a statement the key cannot read', async () => {
    const kind = await t.as(finance).get(`/v1/statements/${big.id}/lines?kind=bonus`).expect(400);
    expect(kind.body.details).toEqual([expect.objectContaining({ field: 'kind' })]);
    const cursor = await t.as(finance).get(`/v1/statements/${big.id}/lines?cursor=not-a-cursor`).expect(400);
    expect(cursor.body.details).toEqual([expect.objectContaining({ field: 'cursor' })]);
    const limit = await t.as(finance).get(`/v1/statements/${big.id}/lines?limit=101`).expect(400);
    expect(limit.body.details).toEqual([expect.objectContaining({ field: 'limit' })]);
    const other = (await allPages<StatementBody>(t, finance, `/v1/statements?period=${period}`)).find((statement) => statement.payee_id !== big.payee_id)!;
    const payee = (await t.as(TEST_ADMIN_KEY).post('/v1/api-keys').send({ name: 'rep', role: 'payee', payee_id: other.payee_id }).expect(201)).body
      .secret as string;
    await t.as(payee).get(`/v1/statements/${big.id}/lines`).expect(404);
    expect((await t.as(payee).get(`/v1/statements/${other.id}/lines?limit=2`).expect(200)).body.data).toHaveLength(2);
    // Payroll reads approved statements only: a draft's lines are as absent as the draft.
    const payroll = (await createKey(t, 'payroll')).secret;
    await t.as(payroll).get(`/v1/statements/${big.id}/lines`).expect(404);
  });
});
