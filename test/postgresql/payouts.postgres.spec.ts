import { AuraSandbox, createAuraSandbox } from '@app/aura-sandbox';
import { Decimal } from '@app/commission-engine';
import { INTERRUPTED_MESSAGE, previousMonth } from '@app/payouts';
import { Client } from 'pg';
import {
  allPages,
  closerPlan,
  csvRecords,
  expectConsistent,
  parseCsv,
  RunBody,
  runPeriod,
  setterPlan,
  StatementBody,
  statementsOf,
  sum,
  waitForRun,
  warningsBesidesUnknownPayees,
} from '../payouts/payouts-helpers';
import { createScratchDatabase, describeOnPostgres } from '../support/postgres';
import { startService, ServiceProcess } from '../support/service-process';
import { syncToEnd } from '../support/sync-helpers';
import { createKey, startTestApp, TestApp } from '../support/test-app';
import { until } from '../support/polling';

/**
 * Payouts on PostgreSQL: the end-to-end flow in process, 50 concurrent
 * starts of one period, two built service processes whose monthly job fires
 * at the same second, and a process killed in the middle of a run's write.
 * The process tests need `npx nest build commissions-api` first.
 */
describeOnPostgres('payouts on PostgreSQL', () => {
  describe('from sync to payroll, in process', () => {
    let database: { url: string; drop(): Promise<void> };
    let sandbox: AuraSandbox;
    let t: TestApp;
    let finance: string;
    let payroll: string;
    const SEP = '2026-09';
    const OCT = '2026-10';

    beforeAll(async () => {
      database = await createScratchDatabase();
      sandbox = await createAuraSandbox({ calls: 1_500, seed: 33, months: 2, endMonth: OCT, now: '2026-11-15T00:00:00Z', rateLimit: { perMinute: null } });
      t = await startTestApp({ DATABASE_URL: database.url, AURA_API_URL: sandbox.url, AURA_API_KEY: sandbox.apiKey, CLAWBACK_WINDOW_DAYS: '3650' });
      finance = (await createKey(t, 'finance')).secret;
      payroll = (await createKey(t, 'payroll')).secret;
    });
    afterAll(async () => {
      await t?.close();
      await sandbox?.close();
      await database?.drop();
    });

    it('syncs, runs a month, approves it, and exports CSV totals equal to the statements and the sums of their lines', async () => {
      expect((await syncToEnd(t)).status).toBe('succeeded');
      const calls = await allPages<{ setter_id: string | null }>(t, finance, '/v1/calls?commissionable=true');
      const setters = [...new Set(calls.map((call) => call.setter_id).filter((id): id is string => id !== null))].sort();
      await t.as(finance).post('/v1/plans').send(closerPlan()).expect(201);
      await t
        .as(finance)
        .post('/v1/plans')
        .send(setterPlan(setters.slice(0, Math.ceil(setters.length / 2))))
        .expect(201);

      const run = await runPeriod(t, finance, SEP);
      expect(run).toMatchObject({ status: 'succeeded', trigger: 'manual' });
      const drafts = await statementsOf(t, finance, SEP);
      expect(drafts.length).toBe(run.counts!.statements);
      expect(drafts.flatMap((statement) => statement.lines!)).toHaveLength(run.counts!.lines);
      for (const statement of drafts) {
        expect(statement.status).toBe('draft');
        expectConsistent(statement);
      }

      expect((await t.as(finance).post(`/v1/periods/${SEP}/approve`).expect(200)).body.approved).toBe(drafts.length);
      const csv = await t.as(payroll).get(`/v1/payroll/exports/${SEP}?format=csv`).expect(200);
      expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
      const [header, ...rows] = parseCsv(csv.text);
      expect(header[0]).toBe('statement_id');
      const byId = new Map(drafts.map((statement) => [statement.id, statement]));
      expect(rows).toHaveLength(drafts.length);
      for (const row of csvRecords([header, ...rows])) {
        const statement = byId.get(row.statement_id)!;
        expect([row.commission_total, row.adjustment_total, row.total, row.status]).toEqual([
          statement.commission_total,
          statement.adjustment_total,
          statement.total,
          'approved',
        ]);
        expect(sum(statement.lines!.map((line) => line.amount)).eq(row.total)).toBe(true);
      }
    });

    it('reruns an unapproved month with the same inputs to identical hashes', async () => {
      expect((await runPeriod(t, finance, OCT)).status).toBe('succeeded');
      const first = await statementsOf(t, finance, OCT);
      expect((await runPeriod(t, finance, OCT)).status).toBe('succeeded');
      const second = await statementsOf(t, finance, OCT);
      expect(second.map(fingerprint)).toEqual(first.map(fingerprint));
    });

    it("claws a flipped call back in the next month's run at minus its line; the approved statement keeps its hash", async () => {
      const september = await statementsOf(t, finance, SEP);
      const target = september.find((statement) => lastCloserLine(statement))!;
      const original = lastCloserLine(target)!;
      const touched = september.flatMap((statement) => statement.lines!).filter((line) => line.call_id === original.call_id);
      sandbox.store.update(original.call_id, { status: 'canceled' });

      const run = await runPeriod(t, finance, OCT, true);
      expect(run).toMatchObject({ status: 'succeeded' });
      expect(warningsBesidesUnknownPayees(run)).toEqual([]);
      expect(run.counts!.adjustments).toBe(touched.length);
      const october = await statementsOf(t, finance, OCT);
      const adjustment = october.flatMap((statement) => statement.lines!).find((line) => line.adjusts_line_id === original.id)!;
      expect(adjustment).toMatchObject({ kind: 'adjustment', amount: new Decimal(original.amount).neg().toFixed(2), call_id: original.call_id });
      for (const statement of october) expectConsistent(statement);
      expect((await statementsOf(t, finance, SEP)).map(fingerprint)).toEqual(september.map(fingerprint));
    });

    it('answers 50 concurrent starts of one period with one 202 and 49 × 409 naming that run, and makes one run', async () => {
      sandbox.setFaults({ latencyMs: 150 }); // the winner syncs first: long enough to hold the period through the burst
      let answers;
      try {
        answers = await Promise.all(Array.from({ length: 50 }, () => t.as(finance).post('/v1/runs').send({ period: '2026-08', sync: true })));
      } finally {
        sandbox.setFaults({ latencyMs: 0 });
      }
      const started = answers.filter((answer) => answer.status === 202);
      const refused = answers.filter((answer) => answer.status === 409);
      expect(started).toHaveLength(1);
      expect(refused).toHaveLength(49);
      for (const answer of refused) expect(answer.body.details).toEqual([{ running_run_id: started[0].body.id }]);
      expect((await waitForRun(t, finance, started[0].body.id)).status).toBe('succeeded');
      expect(await allPages<RunBody>(t, finance, '/v1/runs?period=2026-08')).toHaveLength(1);
    });

    it('replays mark-paid for the same Idempotency-Key and refuses the key with another body', async () => {
      const [statement] = await allPages<StatementBody>(t, payroll, `/v1/statements?period=${SEP}&status=approved`);
      const send = (reference: string) =>
        t.as(payroll).post(`/v1/statements/${statement.id}/mark-paid`).set('Idempotency-Key', 'pg-pay-1').send({ payroll_reference: reference });
      const first = await send('PR-PG-1').expect(200);
      expect((await send('PR-PG-1').expect(200)).body).toEqual(first.body);
      await send('PR-PG-2').expect(409);
    });
  });

  describe('service processes sharing one database', () => {
    const ADMIN = 'payouts-pg-admin-key-0123456789';
    let database: { url: string; drop(): Promise<void> };
    let sandbox: AuraSandbox;
    const processes: ServiceProcess[] = [];

    afterEach(async () => {
      await Promise.all(processes.splice(0).map((service) => service.stop('SIGKILL')));
      await sandbox?.close();
      await database?.drop();
    });

    async function api(service: ServiceProcess, method: string, route: string, body?: unknown): Promise<{ status: number; body: any }> {
      const response = await fetch(`${service.url}${route}`, {
        method,
        headers: { Authorization: `Bearer ${ADMIN}`, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: response.status, body: await response.json() };
    }

    async function finishedRun(service: ServiceProcess, id: string): Promise<any> {
      return until(`run ${id} to end`, async () => {
        const run = await api(service, 'GET', `/v1/runs/${id}`);
        return run.body.status === 'succeeded' || run.body.status === 'failed' ? run.body : undefined;
      });
    }

    async function sql<T extends Record<string, unknown>>(text: string, values: unknown[] = []): Promise<T[]> {
      const client = new Client({ connectionString: database.url });
      await client.connect();
      try {
        return (await client.query<T>(text, values)).rows;
      } finally {
        await client.end();
      }
    }

    /** A scratch database with last month synced and a plan, and the service that did it stopped again; how long one boot took. */
    async function syncedAndPlanned(seed: number) {
      const period = previousMonth(new Date(), 'UTC');
      database = await createScratchDatabase();
      sandbox = await createAuraSandbox({ calls: 1_200, seed, months: 1, endMonth: period, rateLimit: { perMinute: null } });
      const env = { DATABASE_URL: database.url, ADMIN_API_KEY: ADMIN, AURA_API_URL: sandbox.url, AURA_API_KEY: sandbox.apiKey, COMMISSION_TIMEZONE: 'UTC' };
      const booting = Date.now();
      const setup = await startService(env);
      const bootMs = Date.now() - booting;
      processes.push(setup);
      const sync = await api(setup, 'POST', '/v1/sync');
      await until('the sync', async () => ((await api(setup, 'GET', `/v1/sync/runs/${sync.body.id}`)).body.status === 'succeeded' ? true : undefined));
      expect((await api(setup, 'POST', '/v1/plans', closerPlan())).status).toBe(201);
      await setup.stop();
      processes.length = 0;
      return { period, env, bootMs };
    }

    it('makes exactly one run when the monthly job of two replicas fires at the same second', async () => {
      const { period, env, bootMs } = await syncedAndPlanned(44);

      // Both replicas: the monthly job at one second, far enough ahead for both to boot on a loaded machine
      // (two booting at once took over four times one boot in CI; eight times, at least 40 s); the daily sync far away.
      const fireAt = new Date(Math.ceil((Date.now() + Math.max(40_000, 8 * bootMs)) / 1000) * 1000);
      const cron = `${fireAt.getUTCSeconds()} ${fireAt.getUTCMinutes()} ${fireAt.getUTCHours()} ${fireAt.getUTCDate()} ${fireAt.getUTCMonth() + 1} *`;
      const replicaEnv = { ...env, JOBS_ENABLED: 'true', MONTHLY_RUN_CRON: cron, SYNC_CRON: '0 0 1 1 *', LOG_LEVEL: 'debug', LOG_FORMAT: 'json' };
      processes.push(...(await Promise.all([startService(replicaEnv), startService(replicaEnv)])));
      expect(Date.now()).toBeLessThan(fireAt.getTime() - 1_000);

      const [run] = await until(
        'the scheduled run to end',
        async () => {
          const rows = await sql<{ id: string; status: string }>('SELECT id::text, status FROM payout_runs WHERE period = $1', [period]);
          return rows.length > 0 && rows.every((row) => row.status !== 'running') ? rows : undefined;
        },
        fireAt.getTime() - Date.now() + 60_000,
      );
      await new Promise((resolve) => setTimeout(resolve, 2_000)); // a late tick would have made its run by now
      const runs = await sql<{ id: string; trigger: string; status: string }>('SELECT id::text, trigger, status FROM payout_runs WHERE period = $1', [period]);
      expect(runs).toEqual([{ id: run.id, trigger: 'schedule', status: 'succeeded' }]);
      const logs = processes.map((service) => service.output());
      expect(logs.filter((log) => log.includes(`Run ${run.id} of ${period} succeeded`))).toHaveLength(1);
      expect(logs.filter((log) => log.includes(`Scheduled run of ${period} skipped`))).toHaveLength(1);
    }, 300_000);

    it('runs a month whose cron second passed while the service was down, once, when two replicas start together', async () => {
      const { period, env } = await syncedAndPlanned(45);

      // This month's run was due at 00:00 on the 1st, and nothing was up then: both replicas find it owed as they start.
      const replicaEnv = { ...env, JOBS_ENABLED: 'true', MONTHLY_RUN_CRON: '0 0 1 * *', SYNC_CRON: '0 0 1 1 *', LOG_LEVEL: 'debug', LOG_FORMAT: 'json' };
      processes.push(...(await Promise.all([startService(replicaEnv), startService(replicaEnv)])));
      const [run] = await until(
        'the caught-up run to end',
        async () => {
          const rows = await sql<{ id: string; status: string }>('SELECT id::text, status FROM payout_runs WHERE period = $1', [period]);
          return rows.length > 0 && rows.every((row) => row.status !== 'running') ? rows : undefined;
        },
        120_000,
      );
      await new Promise((resolve) => setTimeout(resolve, 2_000)); // the other replica's start would have made its run by now
      const runs = await sql<{ id: string; trigger: string; status: string }>('SELECT id::text, trigger, status FROM payout_runs WHERE period = $1', [period]);
      expect(runs).toEqual([{ id: run.id, trigger: 'catch_up', status: 'succeeded' }]);
      const logs = processes.map((service) => service.output());
      expect(logs.filter((log) => log.includes(`Catching up: the run of ${period} did not happen on schedule`))).toHaveLength(1);
    }, 300_000);

    it('leaves the previous drafts whole when killed mid-write, and a rerun completes them with no duplicate line', async () => {
      const period = '2026-10';
      database = await createScratchDatabase();
      const databaseName = new URL(database.url).pathname.slice(1);
      sandbox = await createAuraSandbox({
        calls: 4_000,
        seed: 55,
        months: 1,
        endMonth: period,
        now: '2026-11-15T00:00:00Z',
        closedShare: 1,
        paymentShare: 1,
        missingDealValueShare: 0,
        rateLimit: { perMinute: null },
      });
      const env = { DATABASE_URL: database.url, ADMIN_API_KEY: ADMIN, AURA_API_URL: sandbox.url, AURA_API_KEY: sandbox.apiKey };
      const first = await startService(env);
      processes.push(first);
      const sync = await api(first, 'POST', '/v1/sync');
      await until('the sync', async () => ((await api(first, 'GET', `/v1/sync/runs/${sync.body.id}`)).body.status === 'succeeded' ? true : undefined));
      expect((await api(first, 'POST', '/v1/plans', { ...closerPlan(), roles: { closer: { rate: '0.10' }, setter: { flat: '25' } } })).status).toBe(201);
      const initial = await finishedRun(first, (await api(first, 'POST', '/v1/runs', { period })).body.id);
      expect(initial.status).toBe('succeeded');
      const statementsOfPeriod = () =>
        sql<{ id: string; hash: string; version: number; total: string; lines: string; line_sum: string }>(
          `SELECT s.id::text, s.hash, s.version, s.total::text,
                  (SELECT count(*) FROM statement_lines l WHERE l.statement_id = s.id)::text AS lines,
                  (SELECT coalesce(sum(l.amount), 0) FROM statement_lines l WHERE l.statement_id = s.id)::text AS line_sum
           FROM statements s WHERE s.period = $1 ORDER BY s.id`,
          [period],
        );
      const before = await statementsOfPeriod();
      expect(before.length).toBeGreaterThan(20);

      // New terms for every closer: the next run rewrites every draft. Kill it while it writes.
      expect(
        (await api(first, 'POST', '/v1/plans', { ...closerPlan(), name: 'Closers, raised', priority: 1, roles: { closer: { rate: '0.125' } } })).status,
      ).toBe(201);
      // Hold the lines table so that the run's write waits inside its transaction (a SHARE lock lets its reads
      // through and stops its first DELETE or INSERT), then kill the process there: killed mid-write, every time.
      const blocker = new Client({ connectionString: database.url });
      await blocker.connect();
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE statement_lines IN SHARE MODE');
      const started = await api(first, 'POST', '/v1/runs', { period });
      expect(started.status).toBe(202);
      try {
        await until(
          'the run to wait on its write of lines',
          async () => {
            // Whatever statement it is (a DELETE of lines, or of statements cascading to them), it waits for our lock.
            const { rows } = await blocker.query<{ writing: number }>(
              `SELECT count(*)::int AS writing FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
               WHERE NOT l.granted AND c.relname = 'statement_lines' AND l.database = (SELECT oid FROM pg_database WHERE datname = $1)`,
              [databaseName],
            );
            return rows[0].writing > 0 ? true : undefined;
          },
          120_000,
        );
        expect(await first.stop('SIGKILL')).toBe('SIGKILL');
      } finally {
        // Released only after the kill: the waiting write then finds its client gone and rolls back.
        await blocker.query('ROLLBACK');
        await blocker.end();
      }
      processes.length = 0;

      // The killed transaction rolled back: the previous drafts, whole.
      await until('the killed connections to go', async () => {
        const rows = await sql<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [databaseName]);
        return rows[0].n === 0 ? true : undefined;
      });
      expect(await statementsOfPeriod()).toEqual(before);
      const [interrupted] = await sql<{ status: string; active_period: string | null }>('SELECT status, active_period FROM payout_runs WHERE id = $1', [
        started.body.id,
      ]);
      expect(interrupted).toEqual({ status: 'running', active_period: period });

      const second = await startService(env);
      processes.push(second);
      expect((await api(second, 'GET', `/v1/runs/${started.body.id}`)).body).toMatchObject({ status: 'failed', error: INTERRUPTED_MESSAGE });
      const rerun = await finishedRun(second, (await api(second, 'POST', '/v1/runs', { period })).body.id);
      expect(rerun.status).toBe('succeeded');

      const after = await statementsOfPeriod();
      expect(after.map((statement) => statement.id)).toEqual(before.map((statement) => statement.id));
      const hashBefore = new Map(before.map((statement) => [statement.id, statement.hash]));
      for (const statement of after) {
        expect(new Decimal(statement.line_sum).eq(statement.total)).toBe(true);
        expect(statement.version).toBe(statement.hash === hashBefore.get(statement.id) ? 1 : 2);
      }
      expect(after.filter((statement) => statement.version === 2).length).toBeGreaterThan(10);
      expect(after.reduce((total, statement) => total + Number(statement.lines), 0)).toBe(rerun.counts.lines);
      const duplicates = await sql('SELECT call_id, role, payee_id FROM statement_lines GROUP BY call_id, role, payee_id, kind HAVING count(*) > 1');
      expect(duplicates).toEqual([]);
      // SIGTERM in the middle of a run: the process lets the run finish before it exits.
      const last = await api(second, 'POST', '/v1/runs', { period });
      expect(last.status).toBe(202);
      expect(await second.stop('SIGTERM')).toBe(0); // a clean exit, once the run has finished
      processes.length = 0;
      const [finished] = await sql<{ status: string; active_period: string | null }>('SELECT status, active_period FROM payout_runs WHERE id = $1', [
        last.body.id,
      ]);
      expect(finished).toEqual({ status: 'succeeded', active_period: null });

      const raised = await sql<{ wrong: number }>(
        `SELECT count(*)::int AS wrong FROM statement_lines WHERE role = 'closer' AND explanation->'plan'->>'name' <> 'Closers, raised'`,
      );
      expect(raised[0].wrong).toBe(0);
    }, 300_000);
  });
});

function fingerprint(statement: StatementBody) {
  return {
    id: statement.id,
    hash: statement.hash,
    version: statement.version,
    total: statement.total,
    lines: statement.lines!.map((line) => [line.id, line.amount]),
  };
}

function lastCloserLine(statement: StatementBody) {
  const closerLines = statement.lines!.filter((line) => line.role === 'closer');
  const last = closerLines[closerLines.length - 1];
  return last && new Decimal(last.amount).gt(0) ? last : undefined;
}
