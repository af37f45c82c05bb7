import { AuraSandbox, createAuraSandbox } from '@app/aura-sandbox';
import { computePayouts, Decimal, statementTotals } from '@app/commission-engine';
import { CallsReader } from '@app/ingestion';
import { INTERRUPTED_MESSAGE, previousMonth, statementHash } from '@app/payouts';
import { DatabaseService } from '@app/persistence';
import { PlansReader } from '@app/plans';
import { JobsService } from '@app/scheduling';
import { SchedulerRegistry } from '@nestjs/schedule';
import { syncToEnd } from '../support/sync-helpers';
import { createKey, startTestApp, TEST_ADMIN_KEY, TestApp } from '../support/test-app';
import {
  allPages,
  closerPlan,
  expectConsistent,
  expectLedgerMatchesEngine as expectLedgerMatchesEngineOf,
  warningsBesidesUnknownPayees,
  LineBody,
  parseCsv,
  RunBody,
  runPeriod,
  setterPlan,
  StatementBody,
  statementsOf,
  sum,
  waitForRun,
} from './payouts-helpers';

/**
 * Runs, statements, adjustments and the payroll export over HTTP on embedded
 * PGlite: one app and one sandbox for the file; the tests build on each
 * other in order (September is run and approved, then October …).
 */
describe('payouts end to end (embedded PGlite)', () => {
  let sandbox: AuraSandbox;
  let t: TestApp;
  let finance: string;
  let payroll: string;
  const SEP = '2026-09';
  const OCT = '2026-10';

  beforeAll(async () => {
    sandbox = await createAuraSandbox({ calls: 1_500, seed: 21, months: 2, endMonth: OCT, now: '2026-11-15T00:00:00Z', rateLimit: { perMinute: null } });
    t = await startTestApp({ AURA_API_URL: sandbox.url, AURA_API_KEY: sandbox.apiKey, CLAWBACK_WINDOW_DAYS: '3650' });
    finance = (await createKey(t, 'finance')).secret;
    payroll = (await createKey(t, 'payroll')).secret;
    expect((await syncToEnd(t)).status).toBe('succeeded');
    const calls = await allPages<{ setter_id: string | null; closer_id: string }>(t, finance, '/v1/calls?commissionable=true');
    const setters = [...new Set(calls.map((call) => call.setter_id).filter((id): id is string => id !== null))].sort();
    await t.as(finance).post('/v1/plans').send(closerPlan()).expect(201);
    await t
      .as(finance)
      .post('/v1/plans')
      .send(setterPlan(setters.slice(0, Math.ceil(setters.length / 2))))
      .expect(201);
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    await sandbox?.close();
  });

  /** What the engine pays per payee for a period, straight from the stored inputs. */
  async function engineTotals(period: string): Promise<Map<string, string>> {
    const calls = await t.app.get(CallsReader).commissionCallsForPeriods([period]);
    const plans = await t.app.get(PlansReader).allPlans();
    const { lines } = computePayouts({ calls, plans, currency: 'USD', roundingMode: 'half_up' });
    return new Map(statementTotals(lines, 'USD').map((total) => [total.payeeId, total.total]));
  }

  const expectLedgerMatchesEngine = (periods: string[]) => expectLedgerMatchesEngineOf(t, periods);

  describe('a month from sync to payroll', () => {
    let september: StatementBody[];
    let run: RunBody;

    it('runs September: 202, then drafts whose totals are the sums of their lines and what the engine pays', async () => {
      const started = await t.as(finance).post('/v1/runs').send({ period: SEP }).expect(202);
      expect(started.body).toMatchObject({ period: SEP, status: 'running', trigger: 'manual', counts: null });
      run = await waitForRun(t, finance, started.body.id);
      expect(run).toMatchObject({ status: 'succeeded', error: null });
      expect(warningsBesidesUnknownPayees(run)).toEqual([]);
      expect(run.duration_ms).toEqual(expect.any(Number));

      september = await statementsOf(t, finance, SEP);
      expect(september.length).toBeGreaterThan(10);
      const expected = await engineTotals(SEP);
      expect(new Map(september.map((statement) => [statement.payee_id, statement.total]))).toEqual(expected);
      for (const statement of september) {
        expect(statement).toMatchObject({ status: 'draft', period: SEP, sequence: 1, currency: 'USD', version: 1, adjustment_total: '0.00' });
        expect(statement.total).toMatch(/^-?\d+\.\d{2}$/);
        expectConsistent(statement);
        expect(statement.hash).toBe(statementHash({ currency: 'USD', payeeId: statement.payee_id, period: SEP }, toHashLines(statement.lines!)));
        for (const line of statement.lines!) {
          expect(line).toMatchObject({
            kind: 'commission',
            call_period: SEP,
            adjusts_line_id: null,
            line_key: `commission:${line.call_id}:${line.role}:${statement.payee_id}`,
          });
          expect(line.explanation.sentence).toEqual(expect.stringContaining(`on call ${line.call_id}`));
          expect(line.explanation.amount).toBe(line.amount);
        }
      }
      const lines = september.flatMap((statement) => statement.lines!);
      expect(run.counts).toEqual({
        calls: (await t.app.get(CallsReader).commissionCallsForPeriods([SEP])).length,
        lines: lines.length,
        commission_lines: lines.length,
        adjustments: 0,
        statements: september.length,
        payees: september.length,
        // The first run: nothing earlier to settle.
        periods: { computed: [{ period: SEP, reason: 'run_period' }], skipped: [] },
      });
      // Setters the setter plan does not name are reported, not paid.
      expect(run.unplanned.length).toBeGreaterThan(0);
      expect(run.unplanned.every((entry) => entry.role === 'setter')).toBe(true);
      const paidKeys = new Set(lines.map((line) => `${line.call_id}:${line.role}:${line.explanation.payee_id}`));
      expect(run.unplanned.some((entry) => paidKeys.has(`${entry.call_id}:${entry.role}:${entry.payee_id}`))).toBe(false);
    });

    it('lists runs newest first and shows one; refuses a bad period naming it', async () => {
      const listed = await t.as(finance).get(`/v1/runs?period=${SEP}`).expect(200);
      expect(listed.body.data[0]).toMatchObject({ id: run.id, status: 'succeeded', counts: run.counts });
      const bad = await t.as(finance).post('/v1/runs').send({ period: '2026-13' }).expect(400);
      expect(bad.body.details.map((problem: { field: string }) => problem.field)).toEqual(['period']);
      await t.as(finance).post('/v1/runs').send({ period: SEP, sync: 'yes' }).expect(400);
      await t.as(finance).get('/v1/runs/not-a-uuid').expect(400);
      await t.as(finance).get('/v1/runs/00000000-0000-4000-8000-000000000000').expect(404);
    });

    it('shows the lines that pay a call on GET /v1/calls/:id', async () => {
      const line = september[0].lines![0];
      const call = await t.as(finance).get(`/v1/calls/${line.call_id}`).expect(200);
      expect(call.body.lines).toEqual(
        expect.arrayContaining([expect.objectContaining({ id: line.id, amount: line.amount, statement_id: september[0].id, statement_status: 'draft' })]),
      );
    });

    it('keeps drafts from payroll: not listed, 404 one by one, and no approving', async () => {
      expect(await allPages(t, payroll, `/v1/statements?period=${SEP}`)).toEqual([]);
      expect(await allPages(t, payroll, `/v1/statements?period=${SEP}&status=draft`)).toEqual([]);
      await t.as(payroll).get(`/v1/statements/${september[0].id}`).expect(404);
      await t.as(payroll).post(`/v1/statements/${september[0].id}/approve`).expect(403);
      await t.as(payroll).post(`/v1/periods/${SEP}/approve`).expect(403);
      await t.as(payroll).get('/v1/runs').expect(403);
      // A draft does not exist for payroll: 404, like GET, not a 409 that would tell it otherwise.
      await t.as(payroll).post(`/v1/statements/${september[0].id}/mark-paid`).send({ payroll_reference: 'PR-early' }).expect(404);
    });

    it('approves one statement only with the hash that was reviewed, then the whole period', async () => {
      const [first] = september;
      const stale = await t
        .as(finance)
        .post(`/v1/statements/${first.id}/approve`)
        .send({ hash: 'f'.repeat(64) })
        .expect(409);
      expect(stale.body.details[0]).toEqual({ hash: first.hash, version: 1 });
      const approved = await t.as(finance).post(`/v1/statements/${first.id}/approve`).send({ hash: first.hash }).expect(200);
      expect(approved.body).toMatchObject({ id: first.id, status: 'approved', hash: first.hash, approved_at: expect.any(String) });
      await t.as(finance).post(`/v1/statements/${first.id}/approve`).expect(409);

      const period = await t.as(finance).post(`/v1/periods/${SEP}/approve`).expect(200);
      expect(period.body.approved).toBe(september.length - 1);
      expect(period.body.data.every((statement: StatementBody) => statement.status === 'approved')).toBe(true);
      expect(await allPages(t, finance, `/v1/statements?period=${SEP}&status=draft`)).toEqual([]);
      const again = await t.as(finance).post(`/v1/periods/${SEP}/approve`).expect(200);
      expect(again.body).toMatchObject({ approved: 0, data: [] });
      await t.as(finance).post('/v1/periods/2026-9/approve').expect(400);
    });

    it('exports the approved statements as RFC 4180 CSV whose totals equal the statements and their lines', async () => {
      const response = await t.as(payroll).get(`/v1/payroll/exports/${SEP}?format=csv`).expect(200);
      expect(response.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(response.headers['content-disposition']).toBe(`attachment; filename="payroll-${SEP}.csv"`);
      expect(response.text.endsWith('\r\n')).toBe(true);
      const [header, ...cells] = parseCsv(response.text);
      expect(header).toEqual([
        'statement_id',
        'payee_id',
        'payee_name',
        'employee_id',
        'payroll_code',
        'period',
        'currency',
        'commission_total',
        'adjustment_total',
        'total',
        'status',
        'approved_at',
        'statement_hash',
      ]);
      // The columns this suite checks, in their order; names and payroll ids have suites of their own.
      const rows = cells.map((row) => [row[0], row[1], ...row.slice(5)]);
      const byId = new Map(september.map((statement) => [statement.id, statement]));
      expect(rows).toHaveLength(september.length);
      const payees = rows.map((row) => row[1]);
      expect(payees).toEqual([...payees].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
      for (const [id, payeeId, period, currency, commissionTotal, adjustmentTotal, total, status, approvedAt, hash] of rows) {
        const statement = byId.get(id)!;
        expect({ payeeId, period, currency, commissionTotal, adjustmentTotal, total, status, hash }).toEqual({
          payeeId: statement.payee_id,
          period: SEP,
          currency: 'USD',
          commissionTotal: statement.commission_total,
          adjustmentTotal: statement.adjustment_total,
          total: statement.total,
          status: 'approved',
          hash: statement.hash,
        });
        expect(Date.parse(approvedAt)).not.toBeNaN();
        expect(sum(statement.lines!.map((line) => line.amount)).eq(total)).toBe(true);
      }
      const json = await t.as(finance).get(`/v1/payroll/exports/${SEP}`).expect(200);
      expect(json.body.rows.map((row: Record<string, string>) => [row.statement_id, row.total])).toEqual(rows.map((row) => [row[0], row[6]]));
      expect(json.body.total).toBe(sum(rows.map((row) => row[6])).toFixed(2));
      expect((await t.as(finance).get(`/v1/payroll/exports/${SEP}?format=csv`)).text).toBe(response.text); // stable

      const badFormat = await t.as(payroll).get(`/v1/payroll/exports/${SEP}?format=xml`).expect(400);
      expect(badFormat.body.details[0].field).toBe('format');
      const badPeriod = await t.as(payroll).get('/v1/payroll/exports/september').expect(400);
      expect(badPeriod.body.details[0].field).toBe('period');
      const empty = await t.as(payroll).get(`/v1/payroll/exports/2025-01?format=csv`).expect(200);
      expect(empty.text).toBe(
        'statement_id,payee_id,payee_name,employee_id,payroll_code,period,currency,commission_total,adjustment_total,total,status,approved_at,statement_hash\r\n',
      );
    });
  });

  describe('reruns, adjustments and clawbacks', () => {
    let octoberBefore: StatementBody[];
    let flippedCallId: string;

    it('reruns an unapproved period with unchanged inputs: the same statements, line ids, hashes and versions', async () => {
      const first = await runPeriod(t, finance, OCT);
      expect(first.status).toBe('succeeded');
      octoberBefore = await statementsOf(t, finance, OCT);
      const second = await runPeriod(t, finance, OCT);
      expect(second.counts).toEqual(first.counts);
      const after = await statementsOf(t, finance, OCT);
      expect(after.map(identity)).toEqual(octoberBefore.map(identity));
      expect(after.every((statement) => statement.version === 1)).toBe(true);
    });

    it("claws back a paid call flipped to not closed in the next month's run, pointing at the original line; the approved statement is unchanged", async () => {
      const september = await statementsOf(t, finance, SEP);
      // The closer's last call of the month: no later call of theirs sits on its tier volume, so only its own lines change.
      const target = september.find((statement) => lastCloserLine(statement) !== undefined)!;
      const original = lastCloserLine(target)!;
      flippedCallId = original.call_id;
      const otherLines = september.flatMap((statement) => statement.lines!).filter((line) => line.call_id === original.call_id);
      sandbox.store.update(original.call_id, { status: 'no_show' });

      const run = await runPeriod(t, finance, OCT, true);
      expect(run).toMatchObject({ status: 'succeeded' });
      expect(warningsBesidesUnknownPayees(run)).toEqual([]);
      expect(run.counts!.adjustments).toBe(otherLines.length);

      const october = await statementsOf(t, finance, OCT);
      for (const statement of october) expectConsistent(statement);
      const adjustment = october.flatMap((statement) => statement.lines!).find((line) => line.adjusts_line_id === original.id)!;
      expect(adjustment).toMatchObject({
        kind: 'adjustment',
        call_id: original.call_id,
        role: 'closer',
        amount: new Decimal(original.amount).neg().toFixed(2),
        plan_id: original.plan_id,
        call_period: SEP,
      });
      expect(adjustment.explanation).toMatchObject({
        cause: 'not_commissionable',
        call_reason: 'not_closed',
        previously_paid: original.amount,
        now_earns: '0.00',
        original_line_id: original.id,
      });
      expect(adjustment.explanation.sentence).toContain('is clawed back');
      const holder = october.find((statement) => statement.lines!.includes(adjustment))!;
      expect(holder).toMatchObject({ payee_id: target.payee_id, status: 'draft' });
      // (A carry_forward line may follow when the clawback takes the statement below zero: count the adjustments alone.)
      expect(sum(holder.lines!.filter((line) => line.kind === 'adjustment').map((line) => line.amount)).lte(new Decimal(original.amount).neg())).toBe(true);
      const before = octoberBefore.find((statement) => statement.payee_id === target.payee_id);
      expect(holder.version).toBe(before ? 2 : 1);
      // Payees the change does not touch keep their statement exactly.
      const untouched = octoberBefore.filter((statement) => !otherLines.some((line) => line.explanation.payee_id === statement.payee_id));
      const afterById = new Map(october.map((statement) => [statement.id, statement]));
      for (const statement of untouched) expect(identity(afterById.get(statement.id)!)).toEqual(identity(statement));

      const septemberAfter = await statementsOf(t, finance, SEP);
      expect(septemberAfter.map(identity)).toEqual(september.map(identity));
      expect(septemberAfter.every((statement) => statement.status === 'approved')).toBe(true);

      const call = await t.as(finance).get(`/v1/calls/${original.call_id}`).expect(200);
      expect(call.body.lines.map((line: LineBody) => line.id)).toEqual(expect.arrayContaining([original.id, adjustment.id]));
    });

    it('never adjusts twice: running October again writes the same adjustment once', async () => {
      const before = await statementsOf(t, finance, OCT);
      const run = await runPeriod(t, finance, OCT);
      const after = await statementsOf(t, finance, OCT);
      expect(after.map(identity)).toEqual(before.map(identity));
      expect(run.counts!.adjustments).toBe(after.flatMap((statement) => statement.lines!).filter((line) => line.kind === 'adjustment').length);
      const keys = after.flatMap((statement) => statement.lines!.map((line) => line.line_key));
      expect(new Set(keys).size).toBe(keys.length);
      await expectLedgerMatchesEngine([SEP, OCT]);
    });

    it('pays a positive adjustment when a locked call is worth more, in a supplementary statement (sequence 2) when an approved period is rerun', async () => {
      const september = await statementsOf(t, finance, SEP);
      const line = september
        .flatMap((statement) => statement.lines!)
        .find(
          (candidate) =>
            candidate.call_id !== flippedCallId && candidate.role === 'closer' && new Decimal(candidate.amount).gt(0) && new Decimal(candidate.amount).lt(2000),
        )!;
      sandbox.store.update(line.call_id, { expected_deal_value: Math.round(Number(line.base_amount) * 100) + 1_000_00 });
      expect((await syncToEnd(t)).status).toBe('succeeded');
      const run = await runPeriod(t, finance, SEP);
      expect(run.status).toBe('succeeded');
      // September is approved, so its run writes a supplementary statement (sequence 2) for the difference.
      const supplementary = (await statementsOf(t, finance, SEP, 'draft')).find((statement) =>
        statement.lines!.some((candidate) => candidate.adjusts_line_id === line.id),
      )!;
      expect(supplementary).toMatchObject({ sequence: 2, status: 'draft' });
      const adjustment = supplementary.lines!.find((candidate) => candidate.adjusts_line_id === line.id)!;
      expect(new Decimal(adjustment.amount).gt(0)).toBe(true);
      expect(adjustment.explanation.cause).toBe('recomputed');
      expect(new Decimal(adjustment.explanation.now_earns).minus(line.amount).eq(adjustment.amount)).toBe(true);
      expectConsistent(supplementary);
      await expectLedgerMatchesEngine([SEP, OCT]);
    });
  });

  describe('statement states, idempotency and audit', () => {
    it('marks paid once per Idempotency-Key: a replay returns the first answer, another body with the key is a 409', async () => {
      await t.as(finance).post(`/v1/periods/${OCT}/approve`).expect(200);
      const [statement] = await allPages<StatementBody>(t, payroll, `/v1/statements?period=${OCT}&status=approved`);
      const missing = await t.as(payroll).post(`/v1/statements/${statement.id}/mark-paid`).send({}).expect(400);
      expect(missing.body.details.map((problem: { field: string }) => problem.field)).toContain('payroll_reference');
      await t
        .as(payroll)
        .post(`/v1/statements/${statement.id}/mark-paid`)
        .send({ payroll_reference: 'x'.repeat(201) })
        .expect(400);
      await t.as(finance).post(`/v1/statements/${statement.id}/mark-paid`).send({ payroll_reference: 'PR-1' }).expect(403);

      const first = await t
        .as(payroll)
        .post(`/v1/statements/${statement.id}/mark-paid`)
        .set('Idempotency-Key', 'pay-oct-1')
        .send({ payroll_reference: 'PR-2026-10-001' })
        .expect(200);
      expect(first.body).toMatchObject({
        id: statement.id,
        status: 'paid',
        payroll_reference: 'PR-2026-10-001',
        paid_at: expect.any(String),
        hash: statement.hash,
      });
      const replay = await t
        .as(payroll)
        .post(`/v1/statements/${statement.id}/mark-paid`)
        .set('Idempotency-Key', 'pay-oct-1')
        .send({ payroll_reference: 'PR-2026-10-001' })
        .expect(200);
      expect(replay.body).toEqual(first.body);
      expect(replay.headers['idempotent-replayed']).toBe('true');
      const other = await t
        .as(payroll)
        .post(`/v1/statements/${statement.id}/mark-paid`)
        .set('Idempotency-Key', 'pay-oct-1')
        .send({ payroll_reference: 'PR-other' })
        .expect(409);
      expect(other.body.code).toBe('CONFLICT');
      const twice = await t.as(payroll).post(`/v1/statements/${statement.id}/mark-paid`).send({ payroll_reference: 'PR-again' }).expect(409);
      expect(twice.body.error).toContain('already paid');

      // Paid: payroll still sees it and exports it; nobody reopens it.
      const exported = await t.as(payroll).get(`/v1/payroll/exports/${OCT}`).expect(200);
      expect(exported.body.rows.find((row: { statement_id: string }) => row.statement_id === statement.id).status).toBe('paid');
      await t.as(TEST_ADMIN_KEY).post(`/v1/statements/${statement.id}/reopen`).expect(409);
    });

    it('lets only an admin reopen an approved, unpaid statement, and audits every change', async () => {
      const [approved] = await allPages<StatementBody>(t, finance, `/v1/statements?period=${OCT}&status=approved`);
      await t.as(finance).post(`/v1/statements/${approved.id}/reopen`).expect(403);
      await t.as(payroll).post(`/v1/statements/${approved.id}/reopen`).expect(403);
      const reopened = await t.as(TEST_ADMIN_KEY).post(`/v1/statements/${approved.id}/reopen`).expect(200);
      expect(reopened.body).toMatchObject({ status: 'draft', approved_at: null, hash: approved.hash });
      await t.as(TEST_ADMIN_KEY).post(`/v1/statements/${approved.id}/reopen`).expect(409);
      await t.as(payroll).get(`/v1/statements/${approved.id}`).expect(404);

      const audit = await t.as(TEST_ADMIN_KEY).get(`/v1/audit?resource_type=statement&resource_id=${approved.id}`).expect(200);
      expect(audit.body.data.map((entry: { action: string; status_code: number }) => [entry.action, entry.status_code])).toEqual(
        expect.arrayContaining([
          ['POST /v1/statements/:id/reopen', 200],
          ['POST /v1/statements/:id/reopen', 409],
        ]),
      );
      const periodAudit = await t.as(TEST_ADMIN_KEY).get(`/v1/audit?resource_type=statement&resource_id=${OCT}`).expect(200);
      expect(periodAudit.body.data.some((entry: { action: string }) => entry.action === 'POST /v1/periods/:period/approve')).toBe(true);
      const runAudit = await t.as(TEST_ADMIN_KEY).get('/v1/audit?resource_type=run').expect(200);
      expect(runAudit.body.data.length).toBeGreaterThan(0);
    });
  });

  describe('one run per period', () => {
    it('answers 409 naming the running run while one runs, to every concurrent request', async () => {
      sandbox.setFaults({ latencyMs: 100 }); // the winner syncs first: long enough to hold the period through the burst
      try {
        const answers = await Promise.all(Array.from({ length: 12 }, () => t.as(finance).post('/v1/runs').send({ period: '2026-08', sync: true })));
        const started = answers.filter((answer) => answer.status === 202);
        const refused = answers.filter((answer) => answer.status === 409);
        expect(started).toHaveLength(1);
        expect(refused).toHaveLength(11);
        for (const answer of refused) {
          expect(answer.body.details).toEqual([{ running_run_id: started[0].body.id }]);
          expect(answer.body.error).toContain(started[0].body.id);
        }
        expect((await waitForRun(t, finance, started[0].body.id)).status).toBe('succeeded');
      } finally {
        sandbox.setFaults({ latencyMs: 0 });
      }
      const runs = await allPages<RunBody>(t, finance, '/v1/runs?period=2026-08');
      expect(runs).toHaveLength(1);
    });

    it('marks failed a run a crashed process left running, when the period runs again', async () => {
      const db = t.app.get(DatabaseService).client;
      const orphan = await db.payoutRun.create({
        data: { period: '2026-07', activePeriod: '2026-07', status: 'running', trigger: 'manual', startedAt: new Date() },
      });
      const run = await runPeriod(t, finance, '2026-07');
      expect(run.status).toBe('succeeded');
      const failed = (await t.as(finance).get(`/v1/runs/${orphan.id}`).expect(200)).body;
      expect(failed).toMatchObject({ status: 'failed', error: INTERRUPTED_MESSAGE, finished_at: expect.any(String) });
    });

    it('the scheduled monthly run pays the previous month once, however many ticks fire; jobs are off with JOBS_ENABLED=false', async () => {
      expect(t.app.get(SchedulerRegistry).getCronJobs().size).toBe(0);
      const jobs = t.app.get(JobsService);
      const firedAt = new Date();
      await Promise.all([jobs.monthlyRun(firedAt), jobs.monthlyRun(firedAt), jobs.monthlyRun(firedAt)]);
      await jobs.monthlyRun(firedAt); // a late tick of another replica, after the run ended
      const period = previousMonth(firedAt, 'UTC');
      const scheduled = (await allPages<RunBody>(t, finance, `/v1/runs?period=${period}`)).filter((run) => run.trigger === 'schedule');
      expect(scheduled).toHaveLength(1);
      expect(scheduled[0].status).toBe('succeeded');
    });

    it('refuses a second line with a key already written: the unique constraint holds at the database', async () => {
      const db = t.app.get(DatabaseService).client;
      const existing = await db.statementLine.findFirstOrThrow();
      const { id: _id, createdAt: _createdAt, ...copy } = existing;
      await expect(
        db.statementLine.create({ data: { ...copy, id: '00000000-0000-4000-8000-000000000001', explanation: copy.explanation as object } }),
      ).rejects.toThrow(/Unique constraint/i);
    });
  });
});

function lastCloserLine(statement: StatementBody): LineBody | undefined {
  const closerLines = statement.lines!.filter((line) => line.role === 'closer');
  const last = closerLines[closerLines.length - 1];
  return last && new Decimal(last.amount).gt(0) ? last : undefined;
}

function identity(statement: StatementBody) {
  return {
    id: statement.id,
    hash: statement.hash,
    version: statement.version,
    total: statement.total,
    lines: statement.lines!.map((line) => [line.id, line.line_key, line.amount]),
  };
}

function toHashLines(lines: LineBody[]) {
  return lines.map((line) => ({
    lineKey: line.line_key,
    callId: line.call_id,
    role: line.role,
    kind: line.kind,
    baseAmount: line.base_amount,
    amount: line.amount,
    planId: line.plan_id,
    adjustsLineId: line.adjusts_line_id,
    explanation: line.explanation,
  }));
}
