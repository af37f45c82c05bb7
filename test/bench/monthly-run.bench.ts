/**
 * Monthly run: a period of N commissionable calls on PostgreSQL, run end to
 * end through the API of the built service (its own process), compared with
 * the floor of its two unavoidable parts: the engine alone on the same calls
 * and plans, and a raw multi-row INSERT of the same lines.
 */
import { Client } from 'pg';
import { computePayouts } from '@app/commission-engine';
import { CallsReader } from '@app/ingestion';
import { DatabaseService, openDatabase } from '@app/persistence';
import { PlansReader } from '@app/plans';
import { CallsRepository } from '../../libs/ingestion/src/calls/calls.repository';
import { PlansRepository } from '../../libs/plans/src/plans.repository';
import { BenchmarkOutcome, formatNumber, formatRatio, formatSeconds, skipped } from './bench-report';
import { rawMultiRowInsert, readRowsAsText } from './raw-insert';
import { startSandboxProcess, type SandboxDatasetSummary } from './sandbox-process';
import { createScratchDatabase, type ScratchDatabase } from './scratch-postgres';
import { sleep, startServiceProcess, type ServiceProcess } from './service-under-test';

export const RUN_PERIOD = '2026-10';
/** Lines per raw multi-row INSERT: the run's own chunk (2,000 lines a statement), so the floor differs in overhead, not batching. */
const LINES_PER_INSERT = 2_000;
const NAME = 'monthly run (PostgreSQL)';
const METHOD_SHORT = 'POST /v1/runs for one period on a scratch PostgreSQL database, polled until it succeeds.';

/** The service and database a finished run leaves behind, for the API benchmark. */
export interface RunFixture {
  service: ServiceProcess;
  period: string;
  statementIds: string[];
  close(): Promise<void>;
}

interface RunBody {
  id: string;
  status: string;
  error?: string | null;
  counts?: Record<string, unknown> | null;
  started_at?: string | null;
  finished_at?: string | null;
}

export async function runMonthlyRunBenchmark(options: {
  calls: number;
  postgresSkipReason: string | null;
}): Promise<{ outcome: BenchmarkOutcome; fixture: RunFixture | null }> {
  if (options.postgresSkipReason) return { outcome: skipped(NAME, METHOD_SHORT, options.postgresSkipReason), fixture: null };
  let scratch: ScratchDatabase | null = null;
  let service: ServiceProcess | null = null;
  const cleanUp = async () => {
    await service?.stop();
    await scratch?.drop();
  };
  try {
    scratch = await createScratchDatabase('run');
    const sandbox = await startSandboxProcess({
      calls: options.calls,
      seed: 13,
      months: 1,
      endMonth: RUN_PERIOD,
      now: '2026-11-15T00:00:00Z',
      // Every call closed, paid and priced: the period holds N commissionable calls.
      closedShare: 1,
      paymentShare: 1,
      missingDealValueShare: 0,
      upcomingShare: 0,
      rateLimit: { perMinute: null },
      faults: { malformedShare: 0 },
    });
    let dataset: SandboxDatasetSummary;
    try {
      dataset = sandbox.dataset;
      service = await startServiceProcess({ DATABASE_URL: scratch.url, AURA_API_URL: sandbox.url, AURA_API_KEY: sandbox.apiKey });
      if ((await service.request('GET', '/v1/runs')).status === 404) {
        await cleanUp();
        return { outcome: skipped(NAME, METHOD_SHORT, 'payouts are not available yet (GET /v1/runs answered 404)'), fixture: null };
      }
      await seedBySync(service);
    } finally {
      await sandbox.close();
    }
    for (const plan of benchmarkPlans(dataset)) {
      const created = await service.request('POST', '/v1/plans', plan);
      if (created.status !== 201) throw new Error(`POST /v1/plans answered ${created.status}: ${JSON.stringify(created.body).slice(0, 300)}`);
    }

    // Both sides start quiet: the seed's autovacuum work and dirty pages are done before the run is timed,
    // as the run's are before the raw floor is (below).
    await settleDatabase(scratch.url);

    // Untimed read of what the run will see, for the engine-only comparison.
    const database = new DatabaseService(await openDatabase({ kind: 'postgresql', url: scratch.url }));
    let engine: { seconds: number; calls: number; lines: number };
    try {
      const calls = await new CallsReader(new CallsRepository(database)).commissionCallsForPeriods([RUN_PERIOD]);
      const plans = await new PlansReader(new PlansRepository(database)).allPlans();
      const started = process.hrtime.bigint();
      const result = computePayouts({ calls, plans, currency: 'USD', roundingMode: 'half_up' });
      // A run writes every line's explanation: the floor builds them too (the engine builds them when first read).
      for (const line of result.lines) void line.explanation.sentence;
      engine = { seconds: Number(process.hrtime.bigint() - started) / 1e9, calls: calls.length, lines: result.lines.length };
    } finally {
      await database.close();
    }

    // The run, end to end.
    const started = process.hrtime.bigint();
    const accepted = await service.request<RunBody>('POST', '/v1/runs', { period: RUN_PERIOD });
    if (accepted.status === 404) {
      await cleanUp();
      return { outcome: skipped(NAME, METHOD_SHORT, 'payouts are not available yet (POST /v1/runs answered 404)'), fixture: null };
    }
    if (accepted.status !== 202) throw new Error(`POST /v1/runs answered ${accepted.status}: ${JSON.stringify(accepted.body).slice(0, 300)}`);
    let run = accepted.body;
    while (run.status !== 'succeeded' && run.status !== 'failed') {
      await sleep(25);
      const polled = await service.request<RunBody>('GET', `/v1/runs/${accepted.body.id}`);
      if (polled.status !== 200) throw new Error(`GET /v1/runs/:id answered ${polled.status}`);
      run = polled.body;
    }
    const endToEnd = Number(process.hrtime.bigint() - started) / 1e9;
    if (run.status !== 'succeeded') throw new Error(`run failed: ${run.error ?? 'no error given'}`);

    // The floor for writing: the run's own lines, raw, into an empty copy of statement_lines.
    const client = new Client({ connectionString: scratch.url });
    await client.connect();
    let raw;
    let lines;
    try {
      lines = await readRowsAsText(
        async (sql, params = []) => (await client.query(sql, params)).rows,
        'statement_lines',
        'statement_id, position',
        'run_id = $1::uuid',
        [run.id],
      );
      // The run just filled statement_lines: without this, autovacuum may work on it while the raw insert is timed.
      await client.query('VACUUM ANALYZE');
      await client.query('CHECKPOINT');
      await client.query('CREATE TABLE statement_lines_raw (LIKE statement_lines INCLUDING ALL)');
      raw = await rawMultiRowInsert(client, 'statement_lines_raw', lines, { batchSize: LINES_PER_INSERT });
    } finally {
      await client.end();
    }

    const statementIds = await listStatementIds(service, RUN_PERIOD);
    const floor = engine.seconds + raw.seconds;
    const ownSeconds = run.started_at && run.finished_at ? (Date.parse(run.finished_at) - Date.parse(run.started_at)) / 1000 : null;
    const figures = [
      {
        label: 'end-to-end seconds',
        value: `${formatSeconds(endToEnd)} for ${formatNumber(engine.calls)} commissionable calls → ${formatNumber(raw.rows)} lines, ${formatNumber(statementIds.length)} statements`,
      },
      { label: 'ratio to engine + raw write', value: `${formatRatio(endToEnd / floor)} (floor ${formatSeconds(floor)})` },
      {
        label: 'engine only (computePayouts)',
        value: `${formatSeconds(engine.seconds)} (${formatNumber(engine.lines)} lines with their explanations, cold, bench process)`,
      },
      {
        label: 'raw INSERT of the lines',
        value: `${formatSeconds(raw.seconds)} (${formatNumber(raw.rowsPerSecond)} lines/s, ${formatNumber(LINES_PER_INSERT)} per statement)`,
      },
      { label: "run's own started→finished", value: ownSeconds === null ? 'not reported' : formatSeconds(ownSeconds) },
      { label: 'calls per second end to end', value: formatNumber(engine.calls / endToEnd) },
    ];
    const fixture: RunFixture = { service, period: RUN_PERIOD, statementIds, close: cleanUp };
    return {
      outcome: {
        name: NAME,
        method:
          `${formatNumber(options.calls)} calls of one month (all closed, paid, priced) synced untimed from the sandbox into a scratch PostgreSQL database through the built service (own process), two plans created over the API (a default tiered marginal plan with rules and caps, and a named-payee plan). ` +
          'Timed: POST /v1/runs until a 25-ms poll of GET /v1/runs/:id sees succeeded (the service was idle and freshly started: cold). ' +
          'Floor: computePayouts alone on the same calls and plans, every explanation built (read untimed through CallsReader/PlansReader, one cold pass in the bench process) plus the same lines, as the run stored them, raw-INSERTed 2,000 per multi-row statement (the run’s own chunk size; autocommit) into an empty copy of statement_lines (same indexes).',
        figures,
        headline: [figures[0], figures[1]],
      },
      fixture,
    };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}

/** VACUUM ANALYZE and CHECKPOINT: no autovacuum left to do and no dirty pages to flush while something is timed. */
async function settleDatabase(url: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('VACUUM ANALYZE');
    await client.query('CHECKPOINT');
  } finally {
    await client.end();
  }
}

export async function seedBySync(service: ServiceProcess): Promise<void> {
  const started = await service.request<{ id: string }>('POST', '/v1/sync');
  if (started.status !== 202) throw new Error(`POST /v1/sync answered ${started.status}: ${JSON.stringify(started.body).slice(0, 300)}`);
  for (;;) {
    const run = await service.request<{ status: string; error: string | null }>('GET', `/v1/sync/runs/${started.body.id}`);
    if (run.body.status === 'succeeded') return;
    if (run.body.status === 'failed') throw new Error(`seeding sync failed: ${run.body.error}`);
    await sleep(200);
  }
}

async function listStatementIds(service: ServiceProcess, period: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const page: { status: number; body: { data: { id: string }[]; pagination: { next_cursor: string | null } } } = await service.request(
      'GET',
      `/v1/statements?period=${period}&limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    if (page.status !== 200) throw new Error(`GET /v1/statements answered ${page.status}`);
    ids.push(...page.body.data.map((statement) => statement.id));
    cursor = page.body.pagination.next_cursor;
  } while (cursor);
  return ids;
}

/** A default tiered marginal closer plan with rules and caps (as the engine benchmark's), a capped setter, and a named-payee plan. */
export function benchmarkPlans(dataset: SandboxDatasetSummary): Record<string, unknown>[] {
  return [
    {
      name: 'Benchmark closers and setters',
      effective_from: '2026-01-01',
      effective_to: null,
      payees: null,
      priority: 0,
      self_set: 'both',
      missing_setter: 'closer',
      roles: {
        closer: {
          flat: '0',
          tiers: {
            basis: 'amount',
            mode: 'marginal',
            steps: [
              { from: '0', rate: '0.08' },
              { from: '250000', rate: '0.10' },
              { from: '1000000', rate: '0.12' },
              { from: '5000000', rate: '0.15' },
            ],
          },
          rules: [
            { when: { utm_source: ['google'], product_id: [dataset.products[0]] }, rate: '0.175' },
            { when: { product_id: [dataset.products[1]] }, flat: '25.00' },
          ],
          min_per_call: '10.00',
          max_per_call: '2500.00',
          max_per_period: '1500000.00',
        },
        setter: { rate: '0.0125', flat: '15.00', max_per_call: '400.00', max_per_period: '250000.00' },
      },
    },
    {
      name: 'Benchmark senior closers',
      effective_from: '2026-01-01',
      effective_to: null,
      payees: dataset.closers.slice(0, 3),
      priority: 0,
      self_set: 'both',
      missing_setter: 'closer',
      roles: { closer: { rate: '0.11', max_per_call: '3000.00' } },
    },
  ];
}
